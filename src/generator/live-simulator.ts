// The live simulator: continuous generated traffic played in real time through Telephony.ingest (the intake the
// ingest endpoint uses), each call's events sent when they happen, so calls ring, are answered and end while
// clients watch. Deterministic for a seed; a speed factor compresses time for tests and benchmarks.

import type { Account, Extension, TelephonySessionEventBody } from '../domain/index.ts';
import { LOCAL_AREA_CODES } from '../domain/index.ts';
import type { IngestResult } from '../telephony/index.ts';
import { COMPANY_SHAPE, type GeneratedCompany } from './company-generator.ts';
import { GeneratedIds } from './generated-ids.ts';
import { SeededRandom } from '../domain/index.ts';
import { HOUR_SHARES, WEEKDAY_WEIGHTS, localClock, COMPANY_TIME_ZONE } from './traffic-calendar.ts';
import { TrafficWorld, usNumber } from './traffic-parties.ts';
import { scriptSession, type ScriptWorld } from './traffic-scripts.ts';
import { sessionsOf } from './session-script.ts';

export interface SimulatorOptions {
  /** Where the events go: Telephony.ingest of the server's store. */
  ingest(accountId: string, bodies: TelephonySessionEventBody[]): Promise<IngestResult>;
  company: GeneratedCompany;
  /** Calls started per minute (of simulated time); with `shape: 'business-hours'`, the rate at the busiest hour. */
  callsPerMinute: number;
  /** 'flat' (the same rate all day) or 'business-hours' (the generated traffic's hour and weekday curve). */
  shape?: 'flat' | 'business-hours';
  seed?: number;
  /** Simulated milliseconds per wall-clock millisecond (default 1: real time). */
  speed?: number;
  /** Wall clock (default Date.now). */
  now?: () => number;
  /** How often due events are sent, wall-clock ms (default 20). */
  tickMs?: number;
  /**
   * Ticks whose events may be on their way at once (default 1: a tick waits for the one before, so one session's
   * events arrive in order). Above 1, events go when due even while earlier ingest calls are unanswered, as a
   * telephony platform's WebHooks do, and may arrive out of order.
   */
  inFlight?: number;
  onError?: (err: unknown) => void;
  /** Told about every call the simulator starts (benchmarks measure from it). */
  onCall?: (call: { telephonySessionId: string; start: number; end: number; events: number }) => void;
}

export interface SimulatorStats {
  calls: number;
  events: number;
  /** Events waiting for their time. */
  pending: number;
}

export interface Simulator {
  stats(): SimulatorStats;
  /** The wall-clock time at which simulated time `simulated` is (or was) due: how late an event is sent is measured from it. */
  wallTime(simulated: number): number;
  /** Stops starting calls and sending events (calls in progress are left as they are). */
  stop(): Promise<void>;
}

interface Due {
  time: number;
  order: number;
  event: TelephonySessionEventBody;
}

/** A binary min-heap of events by time, then by the order they were scheduled. */
class EventQueue {
  private readonly items: Due[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Due | undefined {
    return this.items[0];
  }
  push(d: Due): void {
    const a = this.items;
    a.push(d);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }
  pop(): Due | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Due, b: Due) => a.time < b.time || (a.time === b.time && a.order < b.order);

const PEAK_SHAPE = Math.max(...HOUR_SHARES) * Math.max(...WEEKDAY_WEIGHTS);
/** Quiet hours still get this share of the peak rate, so a demo is never silent. */
const SHAPE_FLOOR = 0.15;

/** The share of the peak rate at simulated time `t` (local business hours busiest). */
export function rateShape(t: number): number {
  const { hour, weekday } = localClock(t);
  return Math.max(SHAPE_FLOOR, (HOUR_SHARES[hour] * WEEKDAY_WEIGHTS[weekday]) / PEAK_SHAPE);
}

/** Starts the simulator; it runs until stop(). */
export function startSimulator(o: SimulatorOptions): Simulator {
  if (!(o.callsPerMinute > 0)) throw new RangeError('callsPerMinute must be positive');
  const wall = o.now ?? Date.now;
  const speed = o.speed ?? 1;
  const rng = new SeededRandom(o.seed ?? 1, 11);
  const world: ScriptWorld = {
    rng,
    ids: new GeneratedIds(rng),
    accountId: o.company.account.id,
    world: new TrafficWorld(o.company, rng),
  };
  const arrivals = new SeededRandom(o.seed ?? 1, 12);
  const wallStart = wall();
  const simNow = () => wallStart + (wall() - wallStart) * speed;
  const perMs = o.callsPerMinute / 60_000;
  const shaped = o.shape === 'business-hours';
  const queue = new EventQueue();
  let order = 0;
  let nextArrival = wallStart + arrivals.exponential(perMs);
  let calls = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = Math.max(1, o.inFlight ?? 1);
  let stopped = false;

  const schedule = (until: number) => {
    while (nextArrival <= until) {
      const start = Math.floor(nextArrival);
      nextArrival += arrivals.exponential(perMs);
      // Thinning: a shaped rate keeps each arrival with the shape's share of the peak rate.
      if (shaped && !arrivals.chance(rateShape(start))) continue;
      for (const script of sessionsOf(scriptSession(world, start))) {
        const { events, times } = script.timedEvents();
        for (let i = 0; i < events.length; i++) queue.push({ time: times[i], order: order++, event: events[i] });
        calls++;
        o.onCall?.({
          telephonySessionId: script.telephonySessionId,
          start: times[0],
          end: times[times.length - 1],
          events: events.length,
        });
      }
    }
  };

  const tick = async () => {
    const now = simNow();
    schedule(now);
    const batch: TelephonySessionEventBody[] = [];
    while (queue.size && (queue.peek() as Due).time <= now) batch.push((queue.pop() as Due).event);
    if (!batch.length) return;
    sent += batch.length;
    await o.ingest(o.company.account.id, batch);
  };

  const timer = setInterval(() => {
    if (inFlight.size >= maxInFlight || stopped) return;
    const sending: Promise<void> = tick()
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }, o.tickMs ?? 20);

  return {
    stats: () => ({ calls, events: sent, pending: queue.size }),
    wallTime: (simulated) => wallStart + (simulated - wallStart) / speed,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/**
 * A company to simulate, from what a store holds: its users (Enabled User extensions) and call queues
 * (Department extensions), with call handling (auto-recording, FindMe mobiles, queue members, block list) drawn
 * from `seed`, as the generator draws them.
 */
export function companyFromDirectory(account: Account, extensions: Extension[], seed = 1): GeneratedCompany {
  const rng = new SeededRandom(seed, 13);
  const users = extensions.filter((e) => e.type === 'User' && e.status === 'Enabled');
  if (users.length < 2) throw new RangeError('the simulator needs an account with at least two enabled users');
  const departments = extensions.filter((e) => e.type === 'Department');
  const size = Math.min(users.length - 1, COMPANY_SHAPE.queueSize(users.length));
  const localArea = () => LOCAL_AREA_CODES[rng.int(LOCAL_AREA_CODES.length)];
  return {
    account,
    extensions: [...users, ...departments],
    timeZone: COMPANY_TIME_ZONE,
    users: users.map((u) => ({
      extensionId: u.id,
      autoRecord: rng.chance(COMPANY_SHAPE.autoRecordUserShare),
      findMeNumber: rng.chance(COMPANY_SHAPE.findMeUserShare) ? usNumber(rng, localArea()) : null,
    })),
    queues: departments.map((d) => {
      const pool = users.slice(1).map((u) => u.id);
      const memberIds = Array.from({ length: size }, () => pool.splice(rng.int(pool.length), 1)[0]);
      return { extensionId: d.id, memberIds, autoRecord: rng.chance(0.3) };
    }),
    blockedNumbers: Array.from({ length: COMPANY_SHAPE.blockedNumbers(users.length) }, () =>
      usNumber(rng, localArea()),
    ),
  };
}

/** A rate that suits a company of `users` users at its busiest hour (calls per minute). */
export function defaultCallsPerMinute(users: number): number {
  return Math.max(2, Math.round(users / 4));
}
