// `npm run bench`: runs the seed and list benchmarks on about --records call-log records and writes their
// figures, with the machine, commit and date, into docs/benchmarks.md. Not a test: nothing here asserts.
// With --postgres URL, the list benchmark runs on PostgreSQL (on that server, a database seeded with the 1M
// set's company and calls per day over as many days as --records need: bench/pg-dataset.ts).

import { parseArgs } from 'node:util';
import { benchSeedOptions, ensureSeededDb } from './bench-dataset.ts';
import { runListBenchmark } from './list-benchmark.ts';
import { listSection } from './list-section.ts';
import { describeRun } from './machine-info.ts';
import { ensurePgSeededDb, pgSeedOptions } from './pg-dataset.ts';
import { BENCHMARKS_DOC, writeSection } from './benchmarks-doc.ts';
import { runSeedBenchmark } from './seed-benchmark.ts';
import { seedSection } from './seed-section.ts';
import { runWebBenchmark } from './web-benchmark.ts';
import { webSection } from './web-section.ts';

const USAGE =
  'usage: npm run bench -- [--records N] [--duration S] [--runs N (web)] [--only seed|list|web] [--postgres URL (list)]';

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${value}"\n${USAGE}`);
  return n;
}

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string', default: '1000000' },
      duration: { type: 'string', default: '5' },
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      postgres: { type: 'string' },
    },
  });
  if (values.only !== undefined && !['seed', 'list', 'web'].includes(values.only)) {
    throw new Error(`--only must be seed, list or web, not "${values.only}"\n${USAGE}`);
  }
  return {
    records: Math.round(positive('--records', values.records)),
    duration: positive('--duration', values.duration),
    runs: Math.round(positive('--runs', values.runs)),
    only: values.only as 'seed' | 'list' | 'web' | undefined,
    postgres: values.postgres,
  };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const started = performance.now();
  const options = benchSeedOptions(flags.records);

  if (flags.postgres !== undefined) {
    if (flags.only !== 'list') throw new Error(`--postgres goes with --only list\n${USAGE}`);
    const db = await ensurePgSeededDb(flags.postgres, pgSeedOptions(flags.records));
    const info = describeRun();
    writeSection('list-postgres', listSection(await runListBenchmark(db, flags.duration), info));
    process.stderr.write(`list (PostgreSQL): written to ${BENCHMARKS_DOC}\n`);
    return;
  }

  if (flags.only === 'web') {
    const db = await ensureSeededDb(options);
    const info = describeRun();
    writeSection('web', webSection(await runWebBenchmark(db, flags.runs), info));
    process.stderr.write(`web: written to ${BENCHMARKS_DOC}\n`);
    return;
  }
  if (flags.only !== 'list') {
    const info = describeRun();
    writeSection('seed', seedSection(await runSeedBenchmark(options), info));
    process.stderr.write(`seed: written to ${BENCHMARKS_DOC}\n`);
  }
  if (flags.only !== 'seed') {
    const db = await ensureSeededDb(options);
    const info = describeRun();
    writeSection('list', listSection(await runListBenchmark(db, flags.duration), info));
    process.stderr.write(`list: written to ${BENCHMARKS_DOC}\n`);
  }
  process.stderr.write(`bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
