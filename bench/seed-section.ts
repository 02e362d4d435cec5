// The seed benchmark's section of docs/benchmarks.md.

import { runInfoLine, type RunInfo } from './machine-info.ts';
import { fixed, goal, int, percent, table } from './markdown.ts';
import { mib } from './process-memory.ts';
import { describeSettings } from './store-settings.ts';
import type { SeedFigures } from './seed-benchmark.ts';

export function seedSection(f: SeedFigures, info: RunInfo): string {
  const { summary: s, raw, options: o } = f;
  const rate = (seconds: number) => int(s.records / seconds);
  const endToEnd = s.records / f.cliWallSeconds;
  const rawRate = raw.rows / raw.insertSeconds;
  const generation = raw.trafficSeconds + raw.rowSeconds;
  const storeShare = s.seconds - generation;
  const command = `ringlog seed --seed ${o.seed} --extensions ${o.extensions} --days ${o.days} --calls-per-day ${o.callsPerDay}`;
  return `## Seed: \`ringlog seed\` of ${int(s.records)} records

${runInfoLine(info)}

\`${command}\` (history ending ${new Date(o.endTime).toISOString().slice(0, 10)}):
${s.users} users, ${s.extensions - s.users} call queues, ${int(s.records)} call-log records, ${int(s.recordings)} recordings.
The raw baseline generates the same records in the benchmark process and inserts the same rows
(\`prepareRecord\`) into a fresh database made by the store's migrations, with the store's settings
(${describeSettings(f.settings)}): one prepared \`INSERT\` per row,
${int(f.rowsPerTransaction)} rows per transaction, insert time only. Same rows in both databases:
${f.sameRows ? 'yes' : '**no**'} (count, sum of start times, highest id).

${table(
  ['', 'records/s', 'seconds'],
  [
    [
      '`ringlog seed`, end to end (child process: start-up, migrations, generation, store, close)',
      `**${int(endToEnd)}**`,
      fixed(f.cliWallSeconds),
    ],
    ['… of which inside the command (`seedStore`: generation and store)', rate(s.seconds), fixed(s.seconds)],
    [
      'raw better-sqlite3 batched insert of the same rows (insert only)',
      `**${int(rawRate)}**`,
      fixed(raw.insertSeconds),
    ],
    [
      '**ringlog end to end / raw insert**',
      `**${percent(endToEnd / rawRate)}** ${goal(endToEnd / rawRate >= 0.5, '≥ 50%')}`,
      '',
    ],
  ],
)}

Where ringlog's time goes (the same records generated again in the benchmark process):

${table(
  ['step', 'seconds', 'records/s', 'share of `seedStore`'],
  [
    [
      '`generateTraffic`: simulating the calls',
      fixed(raw.trafficSeconds),
      rate(raw.trafficSeconds),
      percent(raw.trafficSeconds / s.seconds),
    ],
    [
      '`prepareRecord`: Simple and Detailed JSON, index columns',
      fixed(raw.rowSeconds),
      rate(raw.rowSeconds),
      percent(raw.rowSeconds / s.seconds),
    ],
    [
      'the rest: the store (Kysely upserts of 500 rows, recordings, SQLite)',
      fixed(storeShare),
      rate(storeShare),
      percent(storeShare / s.seconds),
    ],
    ['for comparison: the raw insert of the same rows', fixed(raw.insertSeconds), int(rawRate), ''],
  ],
)}

Peak RSS of \`ringlog seed\` (VmHWM): ${mib(f.cliPeakRssKiB)} MiB; its anonymous part (heap, buffers; the rest are
pages of the database file) peaked at ${mib(f.cliPeakAnonKiB)} MiB (sampled every 250 ms).`;
}
