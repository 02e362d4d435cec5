// Deterministic telephony-session event streams of a small generated company, for the intake's crash and
// many-server tests: the company, and the events of `sessions` calls interleaved by time as they would arrive.

import type { TelephonySessionEventBody } from '../../src/domain/index.ts';
import { generateCompany, type GeneratedCompany } from '../../src/generator/company-generator.ts';
import { GeneratedIds } from '../../src/generator/generated-ids.ts';
import { SeededRandom } from '../../src/domain/index.ts';
import { TrafficWorld } from '../../src/generator/traffic-parties.ts';
import { scriptSession } from '../../src/generator/traffic-scripts.ts';

export const TRAFFIC_T0 = Date.UTC(2026, 10, 25, 18, 0, 0);

export function trafficCompany(): GeneratedCompany {
  return generateCompany({ seed: 21, extensions: 10, days: 1, callsPerDay: 10, endTime: TRAFFIC_T0 });
}

/** Events of `sessions` calls starting 20 s apart, sorted by event time (ties by session, then sequence). */
export function trafficEvents(company: GeneratedCompany, sessions: number, seed: number): TelephonySessionEventBody[] {
  const rng = new SeededRandom(seed, 3);
  const world = {
    rng,
    ids: new GeneratedIds(rng),
    accountId: company.account.id,
    world: new TrafficWorld(company, rng),
  };
  const timed: { time: number; event: TelephonySessionEventBody }[] = [];
  for (let i = 0; i < sessions; i++) {
    const { events, times } = scriptSession(world, TRAFFIC_T0 + i * 20_000).timedEvents();
    events.forEach((event, k) => timed.push({ time: times[k], event }));
  }
  timed.sort(
    (a, b) =>
      a.time - b.time ||
      a.event.telephonySessionId.localeCompare(b.event.telephonySessionId) ||
      a.event.sequence - b.event.sequence,
  );
  return timed.map((t) => t.event);
}
