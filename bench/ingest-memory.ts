// Whether ingest's memory stays flat as the archive grows (issue 16 item 3): `ringlog seed` and `ringlog import` of
// about N records into a fresh SQLite database for each N, per build, with the child's peak VmRSS (VmHWM), RssAnon
// and RssFile. Import reads the first N lines of an NDJSON export of SOURCE (made once, under bench/out).
// `node --import tsx bench/ingest-memory.ts --source DB [--sizes 100000,300000,1000000] [--only seed|import]
//   [--ringlog BIN]...`

import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchSeedOptions, OUT_DIR, removeDb, seedArgs } from './bench-dataset.ts';
import { mib } from './process-memory.ts';
import { runRinglog, type CliRun } from './ringlog-cli.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    sizes: { type: 'string', default: '100000,300000,1000000' },
    only: { type: 'string' },
    ringlog: { type: 'string', multiple: true },
  },
});
const sizes = values.sizes.split(',').map(Number);
const bins = values.ringlog ?? [fileURLToPath(new URL('../bin/ringlog.js', import.meta.url))];

function row(command: string, bin: string, records: number, run: CliRun): string {
  const peaks = [run.memory?.hwmKiB ?? run.peakRssKiB, run.peakAnonKiB, run.peakFileKiB].map(mib);
  return `| ${[command, bin, records.toLocaleString('en-US'), run.wallSeconds.toFixed(0), ...peaks].join(' | ')} |\n`;
}

/** The first `lines` lines of `from` written to `to`. */
async function headLines(from: string, to: string, lines: number): Promise<void> {
  const out = createWriteStream(to);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(from) })) {
    if (n++ === lines) break;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

process.stdout.write('| command | build | records | seconds | VmHWM MiB | peak RssAnon | peak RssFile |\n');
const db = join(OUT_DIR, 'ingest-memory.db');
if (values.only !== 'import') {
  for (const size of sizes) {
    const options = benchSeedOptions(size);
    for (const bin of bins) {
      removeDb(db);
      const run = await runRinglog(seedArgs(options, db), { pinnedNow: options.endTime, bin });
      process.stdout.write(row('seed', bin, (JSON.parse(run.stdout) as { records: number }).records, run));
    }
  }
}
if (values.only !== 'seed') {
  if (!values.source) throw new Error('--source DB: the database whose export is imported');
  const all = join(OUT_DIR, 'ingest-memory-source.ndjson');
  if (!existsSync(all) || statSync(all).mtimeMs < statSync(values.source).mtimeMs) {
    await runRinglog(['export', '--db', values.source, '--format', 'ndjson', '--out', all]);
  }
  for (const size of sizes) {
    const file = join(OUT_DIR, `ingest-memory-${size}.ndjson`);
    await headLines(all, file, size);
    for (const bin of bins) {
      removeDb(db);
      const run = await runRinglog(['import', file, '--db', db], { bin });
      process.stdout.write(row('import', bin, size, run));
    }
  }
}
removeDb(db);
