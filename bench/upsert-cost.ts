// The cost of what ringlog maintains on write (report columns, indexes, the report rollup): CPU µs and wall time per
// record of upserting generated records into a fresh SQLite store, first as new records, then all again 1 ms newer
// (the update path). `--src` runs another checkout's store and generator (e.g. main's, without a change), so run
// it alternately with and without `--src` and compare the CPU figures (wall time is noise on a loaded machine).
// Not a test.
//
//   node --import tsx bench/upsert-cost.ts [--src /work/main/src] [--records 18000] [--rounds 3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallLogRecord } from '../src/domain/index.ts';

const { values } = parseArgs({
  options: {
    src: { type: 'string', default: new URL('../src', import.meta.url).pathname },
    records: { type: 'string', default: '18000' },
    rounds: { type: 'string', default: '3' },
  },
});
const { generateCompany, generateTraffic } = (await import(
  join(values.src, 'generator/index.ts')
)) as typeof import('../src/generator/index.ts');
const { openStore } = (await import(join(values.src, 'store/index.ts'))) as typeof import('../src/store/index.ts');
const n = Number(values.records);
const options = { seed: 3, extensions: 50, days: 3, callsPerDay: Math.ceil(n / 8), endTime: Date.UTC(2026, 9, 1) };
const company = generateCompany(options);
const records: CallLogRecord[] = [];
for (const batch of generateTraffic(company, options)) {
  records.push(...batch.records);
  if (records.length >= n) break;
}
const newer = records.map((r) => ({ ...r, lastModifiedTime: r.lastModifiedTime + 1 }));

for (let round = 1; round <= Number(values.rounds); round++) {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-upsert-cost-'));
  const store = await openStore(join(dir, 'upsert.db'));
  try {
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (const list of [records, newer]) {
      for (let i = 0; i < list.length; i += 1000) await store.upsertRecords(list.slice(i, i + 1000));
    }
    const used = process.cpuUsage(cpu);
    const writes = records.length * 2;
    process.stdout.write(
      `round ${round}: ${writes} upserts, ${((used.user + used.system) / writes).toFixed(0)} CPU µs/record, ` +
        `${(writes / ((performance.now() - t) / 1000)).toFixed(0)} records/s\n`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
