// Paces requests per rate-limit group from the X-Rate-Limit-* headers the upstream sends: a sliding window of
// our own requests per group, aligned with the server's Remaining count, and a block while a 429 penalty runs.

import { setTimeout as sleep } from 'node:timers/promises';
import { RATE_GROUPS, RINGCENTRAL_RATE_LIMITS, type RateRule } from '../domain/index.ts';

/** What a response says about its rate-limit group. */
export interface RateHeaders {
  group?: string;
  limit?: number;
  remaining?: number;
  windowSec?: number;
  /** Seconds, from Retry-After (429s). */
  retryAfterSec?: number;
}

function headerNumber(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function readRateHeaders(headers: Headers): RateHeaders {
  return {
    group: headers.get('x-rate-limit-group')?.trim() || undefined,
    limit: headerNumber(headers, 'x-rate-limit-limit'),
    remaining: headerNumber(headers, 'x-rate-limit-remaining'),
    windowSec: headerNumber(headers, 'x-rate-limit-window'),
    retryAfterSec: headerNumber(headers, 'retry-after'),
  };
}

/** RingCentral's default rule for a group (by lower-case name; Heavy for an unknown one): what the pacer assumes until the upstream's headers say otherwise. */
function defaultRule(name: string): RateRule {
  const group = RATE_GROUPS.find((g) => g.toLowerCase() === name) ?? 'Heavy';
  return RINGCENTRAL_RATE_LIMITS[group]!;
}

interface GroupState {
  /** Requests allowed per window; Infinity once the upstream answered without rate-limit headers. */
  limit: number;
  windowMs: number;
  /** Completion times of our requests (and of others' the server counted), oldest first. */
  hits: number[];
  inFlight: number;
  blockedUntil: number;
  /** The upstream has sent this group's headers at least once. */
  known: boolean;
  remaining: number | null;
}

export interface GroupStatus {
  group: string;
  limit: number;
  windowSec: number;
  /** Requests we may still send in the current window, by our count. */
  available: number;
  /** What the last response said was left. */
  remaining: number | null;
  /** Milliseconds until a request of this group may go (0 = now). */
  waitMs: number;
}

/** Enough to carry the windows over to the next run (hits are epoch ms). */
export interface PacerSnapshot {
  groups: Record<string, { limit: number | null; windowSec: number; hits: number[] }>;
  aliases: Record<string, string>;
}

export interface PacerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Far more requests a second than one sync sends to a group: a limit above this many per window cannot have been
 * used up by a killed run.
 */
const MAX_REQUESTS_PER_SECOND = 100;

/** Monotonic wall-clock milliseconds. */
const monotonicNow = () => performance.timeOrigin + performance.now();

/**
 * Time left after a window before its oldest hit stops counting. The server counts a request when it arrives,
 * before it answers, and windows are measured from the receipt of the answer's headers, so they already end
 * after the server's; the margin only absorbs timer and clock jitter.
 */
export const marginMs = (windowMs: number) => Math.max(15, windowMs * 0.001);

export class Pacer {
  private readonly groups = new Map<string, GroupState>();
  /** The group the upstream named for requests we classed as `kind` (e.g. light → medium). */
  private readonly aliases = new Map<string, string>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private changed = deferred();

  constructor(options: PacerOptions = {}) {
    this.now = options.now ?? monotonicNow;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  /** Waits until a request of `kind` (heavy, medium, light, auth, or what the upstream named) may be sent. */
  async acquire(kind: string): Promise<Ticket> {
    for (;;) {
      const state = this.state(kind);
      const wait = this.waitFor(state, this.now());
      if (wait === 0) {
        state.inFlight += 1;
        return { kind, state, sentAt: this.now() };
      }
      // Blocked by our own requests still in flight: their answers free or fill the window.
      await (Number.isFinite(wait) ? this.sleep(wait) : this.changed.promise);
    }
  }

  /** Records the answer to an acquired request (rate null: no answer, e.g. a network error). */
  release(ticket: Ticket, rate: RateHeaders | null, ok: boolean): void {
    const { kind, state } = ticket;
    state.inFlight = Math.max(0, state.inFlight - 1);
    const now = this.now();
    const target = this.learn(kind, state, rate, ok);
    // A request that may have reached the server counts, whatever the answer.
    target.hits.push(now);
    if (rate?.remaining !== undefined && target.known) this.align(target, rate.remaining, ticket.sentAt, now);
    this.prune(target, now);
    this.wake();
  }

  /** A 429: nothing of this group goes out for `seconds` (every request during a penalty restarts it). */
  penalize(kind: string, seconds: number): void {
    const state = this.state(kind);
    state.blockedUntil = Math.max(state.blockedUntil, this.now() + seconds * 1000 + marginMs(state.windowMs));
  }

  status(kind: string): GroupStatus {
    const name = this.groupName(kind);
    const state = this.state(kind);
    const now = this.now();
    this.prune(state, now);
    const wait = this.waitFor(state, now);
    return {
      group: name,
      limit: state.limit,
      windowSec: state.windowMs / 1000,
      available: Math.max(0, state.limit - state.hits.length - state.inFlight),
      remaining: state.remaining,
      waitMs: Number.isFinite(wait) ? wait : 0,
    };
  }

  snapshot(): PacerSnapshot {
    const groups: PacerSnapshot['groups'] = {};
    for (const [name, s] of this.groups) {
      this.prune(s, this.now());
      groups[name] = {
        limit: Number.isFinite(s.limit) ? s.limit : null,
        windowSec: s.windowMs / 1000,
        hits: [...s.hits],
      };
    }
    return { groups, aliases: Object.fromEntries(this.aliases) };
  }

  /**
   * Takes over the windows of an earlier run. After an unclean end (kill -9) requests may have gone out after the
   * snapshot, so every limited group that one run could have used up waits a whole window from now. A group whose
   * limit is beyond what a run can send in a window (ringlog without rate limits advertises 1,000,000 a minute so
   * that clients never wait) cannot have been used up, and does not wait.
   */
  restore(snapshot: PacerSnapshot, clean: boolean): void {
    const now = this.now();
    for (const [kind, name] of Object.entries(snapshot.aliases)) this.aliases.set(kind, name);
    for (const [name, g] of Object.entries(snapshot.groups)) {
      const state = this.state(name);
      state.limit = g.limit ?? Infinity;
      state.windowMs = g.windowSec * 1000;
      state.known = true;
      state.hits = g.hits.filter((t) => t <= now).sort((a, b) => a - b);
      const exhaustible = state.limit <= (MAX_REQUESTS_PER_SECOND * state.windowMs) / 1000;
      if (!clean && exhaustible) state.blockedUntil = now + state.windowMs + marginMs(state.windowMs);
    }
  }

  private groupName(kind: string): string {
    const lower = kind.toLowerCase();
    return this.aliases.get(lower) ?? lower;
  }

  private state(kind: string): GroupState {
    const name = this.groupName(kind);
    let state = this.groups.get(name);
    if (!state) {
      const defaults = defaultRule(name);
      state = {
        limit: defaults.requests,
        windowMs: defaults.windowSec * 1000,
        hits: [],
        inFlight: 0,
        blockedUntil: 0,
        known: false,
        remaining: null,
      };
      this.groups.set(name, state);
    }
    return state;
  }

  /** Applies what the headers say; returns the state of the group the upstream named. */
  private learn(kind: string, state: GroupState, rate: RateHeaders | null, ok: boolean): GroupState {
    if (!rate) return state;
    let target = state;
    if (rate.group && rate.group.toLowerCase() !== this.groupName(kind)) {
      this.aliases.set(kind.toLowerCase(), rate.group.toLowerCase());
      target = this.state(kind);
      target.blockedUntil = Math.max(target.blockedUntil, state.blockedUntil);
    }
    if (rate.limit !== undefined && rate.limit > 0) {
      target.limit = rate.limit;
      target.known = true;
      if (rate.windowSec !== undefined && rate.windowSec > 0) target.windowMs = rate.windowSec * 1000;
      if (rate.remaining !== undefined) target.remaining = rate.remaining;
    } else if (ok && !target.known) {
      // A success without rate-limit headers: this upstream does not limit the group.
      target.limit = Infinity;
      target.known = true;
    }
    return target;
  }

  /**
   * The server counted more than we can have sent (other clients, an earlier run): the difference counts as of now.
   * The server's Remaining is as of the request's arrival, some time after `sentAt`; of ours it can have counted at
   * most the answers received after `sentAt` less a window, those in flight, and this one. (Comparing with our
   * count as of now instead would take requests that left the server's window since as someone else's.)
   */
  private align(state: GroupState, serverRemaining: number, sentAt: number, now: number): void {
    const horizon = sentAt - state.windowMs;
    let countable = state.inFlight;
    for (let i = state.hits.length - 1; i >= 0 && state.hits[i] > horizon; i -= 1) countable += 1;
    for (let unknown = state.limit - serverRemaining - countable; unknown > 0; unknown -= 1) state.hits.push(now);
  }

  private prune(state: GroupState, now: number): void {
    const horizon = now - state.windowMs - marginMs(state.windowMs);
    let drop = 0;
    while (drop < state.hits.length && state.hits[drop] <= horizon) drop += 1;
    if (drop) state.hits.splice(0, drop);
  }

  /** 0 = send now; Infinity = wait for a request in flight to finish; else milliseconds to wait. */
  private waitFor(state: GroupState, now: number): number {
    if (state.blockedUntil > now) return state.blockedUntil - now;
    if (!Number.isFinite(state.limit)) return 0;
    this.prune(state, now);
    const used = state.hits.length + state.inFlight;
    if (used < state.limit) return 0;
    const mustLeave = used - state.limit + 1;
    if (mustLeave > state.hits.length) return Infinity;
    return Math.max(1, state.hits[mustLeave - 1] + state.windowMs + marginMs(state.windowMs) - now);
  }

  private wake(): void {
    this.changed.resolve();
    this.changed = deferred();
  }
}

/** A request let through by acquire(), to hand back to release(). */
export interface Ticket {
  readonly kind: string;
  readonly state: GroupState;
  /** When the request was let go. */
  readonly sentAt: number;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
