// The proof that scenarios played as event scripts through the session assembler give exactly the records (and
// recordings) the generator built directly before: thousands of sessions of every scenario against the oracle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCompany, companyDirectory, type SeedOptions } from './company-generator.ts';
import { GeneratedIds } from './generated-ids.ts';
import { callAssembler, settleRecords } from './scripted-call.ts';
import { SeededRandom } from '../domain/index.ts';
import { ORACLE_SCENARIOS, playScenario, type ScenarioContext } from './traffic-scenarios.oracle.ts';
import { scriptScenario, type ScriptWorld } from './traffic-scripts.ts';
import { TrafficWorld } from './traffic-parties.ts';

const SESSIONS_PER_SCENARIO = 2000;
const WEEK = 7 * 86_400_000;

function worlds(opts: SeedOptions) {
  const company = generateCompany(opts);
  const make = () => {
    const rng = new SeededRandom(opts.seed, 7);
    return { rng, ids: new GeneratedIds(rng), accountId: company.account.id, world: new TrafficWorld(company, rng) };
  };
  const oracle: ScenarioContext = { ...make(), endTime: opts.endTime };
  const scripted: ScriptWorld = make();
  return { company, oracle, scripted };
}

for (const scenario of ORACLE_SCENARIOS) {
  test(`${scenario}: assembler(events(script)) deep-equals the oracle's records, ${SESSIONS_PER_SCENARIO} sessions`, () => {
    for (const extensions of [2, 40]) {
      const endTime = Date.UTC(2026, 2, 9, 12);
      const opts: SeedOptions = { seed: 11 + extensions, extensions, days: 7, callsPerDay: 100, endTime };
      const { company, oracle, scripted } = worlds(opts);
      const assembler = callAssembler(company.account.id, companyDirectory(company));
      const picker = new SeededRandom(99, 1);
      for (let i = 0; i < SESSIONS_PER_SCENARIO / 2; i++) {
        const start = endTime - WEEK + Math.floor((picker.next() * WEEK) / 1000) * 1000;
        const expected = playScenario(oracle, scenario, start);
        const kept = expected.finish();
        const script = scriptScenario(scripted, scenario, start);
        const { records, recording } = assembler.assemble(script);
        const settled = settleRecords(scripted.rng, opts.endTime, records, recording);
        assert.equal(settled, kept, `session ${i}: settled`);
        assert.deepStrictEqual(records, expected.records, `session ${i} (${scenario}) records`);
        assert.deepStrictEqual(recording, expected.recording, `session ${i} (${scenario}) recording`);
      }
      assert.equal(scripted.rng.next(), oracle.rng.next(), 'both drew the same random numbers');
    }
  });
}
