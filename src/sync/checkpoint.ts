// Where each log's sync stands, kept in the local store after every committed page: the startTime interval read
// completely, and the pass under way (read newest first down to `cursor`). Decides the next pass of a run.

import type { PacerSnapshot } from './pacer.ts';
import type { SyncStateStore } from '../store/index.ts';
import { encryptedRegister } from './encrypted-register.ts';
import { stateRegister, type Register } from './state-register.ts';

export interface Interval {
  /** Epoch ms, inclusive bounds on startTime. */
  from: number;
  to: number;
}

/** A pass reads [from, to] newest first; records starting after `cursor` are already stored. */
export interface Pass extends Interval {
  cursor: number;
}

export interface LogCheckpoint {
  /** Records starting in this interval were all read (as they were when read). */
  covered: Interval | null;
  pass: Pass | null;
}

export interface PlanOptions {
  /** Start of the history to archive (first run, or an earlier start asked for later). */
  since: number;
  /** How far back of the last covered time a run reads again to catch records that changed after the call. */
  lookbackMs: number;
  /** The run's "now": passes end here. */
  runStart: number;
}

export const EMPTY_CHECKPOINT: LogCheckpoint = { covered: null, pass: null };

/** The pass a log needs next in this run, or null when it is up to date. An interrupted pass goes first. */
export function nextPass(cp: LogCheckpoint, o: PlanOptions): Pass | null {
  if (cp.pass) return cp.pass;
  if (!cp.covered) return { from: o.since, to: o.runStart, cursor: o.runStart };
  if (cp.covered.to >= o.runStart) return null;
  let from = cp.covered.to - o.lookbackMs;
  if (o.since < cp.covered.from) from = Math.min(from, o.since);
  return { from, to: o.runStart, cursor: o.runStart };
}

export function startPass(cp: LogCheckpoint, pass: Pass): LogCheckpoint {
  return { ...cp, pass };
}

/** Every record starting after `oldestRead` is stored (records at that very time may continue on the next page). */
export function advancePass(cp: LogCheckpoint, oldestRead: number): LogCheckpoint {
  if (!cp.pass) throw new Error('no pass under way');
  return { ...cp, pass: { ...cp.pass, cursor: Math.min(cp.pass.cursor, oldestRead) } };
}

export function completePass(cp: LogCheckpoint): LogCheckpoint {
  const pass = cp.pass;
  if (!pass) throw new Error('no pass under way');
  const old = cp.covered;
  const joins = old !== null && pass.from <= old.to && pass.to >= old.from;
  const covered = joins
    ? { from: Math.min(old.from, pass.from), to: Math.max(old.to, pass.to) }
    : { from: pass.from, to: pass.to };
  return { covered, pass: null };
}

/** The settings key prefix of an account's sync state. */
const accountPrefix = (accountId: string) => `sync.account.${accountId}`;

/** A log's key: the extension id, or `company` for the company log. */
export const logName = (extensionId: string | null) => extensionId ?? 'company';

/** Checkpoints of one account's logs, in the local store. */
export class Checkpoints {
  private readonly registers = new Map<string, Register>();

  constructor(
    private readonly store: SyncStateStore,
    private readonly accountId: string,
  ) {}

  async load(extensionId: string | null): Promise<LogCheckpoint> {
    const saved = await this.register(extensionId).read();
    return saved ? (JSON.parse(saved) as LogCheckpoint) : EMPTY_CHECKPOINT;
  }

  async save(extensionId: string | null, cp: LogCheckpoint): Promise<void> {
    await this.register(extensionId).write(JSON.stringify(cp));
  }

  private register(extensionId: string | null): Register {
    const name = logName(extensionId);
    let register = this.registers.get(name);
    if (!register) {
      register = stateRegister(this.store, `${accountPrefix(this.accountId)}.log.${name}`);
      this.registers.set(name, register);
    }
    return register;
  }
}

/** How the last run with these credentials ended, and its rate-limit windows. */
export interface RunState {
  state: 'running' | 'finished';
  at: number;
  pacer: PacerSnapshot | null;
}

/** Run state per upstream login (rate limits count per user and app): the credentials' hash names it. */
export function runStateRegister(store: SyncStateStore, credentialsKey: string): Register {
  return stateRegister(store, `sync.login.${credentialsKey}.run`);
}

/** The upstream tokens of a login, encrypted at rest when a key is given (issue 11: `ringlog sync` always does). */
export function tokenRegister(store: SyncStateStore, credentialsKey: string, secretKey?: Buffer): Register {
  const register = stateRegister(store, `sync.login.${credentialsKey}.token`);
  return secretKey ? encryptedRegister(register, secretKey) : register;
}
