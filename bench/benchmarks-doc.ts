// docs/benchmarks.md: a "how to run" part and one section per benchmark; a run replaces the section of the
// same benchmark and leaves everything else in the file as it is (other sections and any text between them).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './ringlog-cli.ts';

export const BENCHMARKS_DOC = join(ROOT, 'docs/benchmarks.md');

const HEADER = `# Benchmarks

Measured figures, written by \`npm run bench\` (bench/): each section says the machine, the commit and the
date it was measured on; a run replaces the sections of the benchmarks it ran and keeps the rest of this file.

## How to run

\`\`\`sh
npm run bench                        # build, then every benchmark on 1,000,000 records (about 10 minutes on 2 cores)
npm run bench -- --only seed         # or --only list
npm run bench -- --records 100000 --duration 5   # a quicker, smaller run
npm run bench -- --only list --postgres postgres://postgres@127.0.0.1:5432/postgres --records 10000000
\`\`\`

- \`--records N\` (default 1000000): the data set is \`ringlog seed --seed 1 --extensions 100 --days 60\` with
  \`--calls-per-day\` chosen to give about N records, its history ending on 2026-10-01.
- \`--postgres URL\` (with \`--only list\`): the list benchmark on PostgreSQL, on a database of that server seeded
  (untimed, then \`VACUUM ANALYZE\`, kept for reruns under a name made of its options) with the 1M set's company
  and calls per day over as many days as \`--records\` need (600 days for 10M): bench/pg-dataset.ts. The reports
  on it: \`node --import tsx bench/reports-benchmark.ts --db URL_OF_THAT_DATABASE [--parquet FILE]\`.
- \`--duration S\` (default 5): seconds of load per list scenario and per baseline (after a warm-up of up to 2 s);
  \`--duration 30\` for steadier figures.
- Where a list request's time goes: \`node --import tsx bench/list-profile.ts --level account --view Simple
  --per-page 100\` (a CPU profile of \`ringlog serve\` under load, summed per thread by what the code does) and
  \`node --import tsx bench/list-breakdown.ts DB\` (each stage timed in one process). The memory of an export:
  \`node --import tsx bench/export-memory.ts DB\`. The server's memory and CPU time per request under the list
  scenarios, for several builds side by side in one run: \`node --import tsx bench/serve-memory.ts --ringlog
  OTHER/bin/ringlog.js --ringlog bin/ringlog.js\`.
- \`ringlog seed\` runs with \`Date.now()\` pinned to that end (bench/pinned-clock.mjs), so the raw baseline can
  generate the very same records.
- The seeded database is cached in \`bench/out/\` (gitignored) under a name made of its seed options and of the
  store's layout (page size and schema: a new layout means a new database); the seed benchmark refreshes it,
  the list benchmark reuses it (or seeds it, untimed, when missing).
- The list benchmark installs \`@stoplight/prism-cli@5.14.2\` into \`bench/out/prism\` on first use (npm
  registry access needed once; later versions need node 24).
- Run it on an otherwise idle machine: the figures are only comparable within a section (each compares
  ringlog with a baseline measured in the same run). Tests never run benchmarks.
`;

const SECTION = /<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;

/**
 * Writes `markdown` as the section `id` (e.g. "seed"): in place of the previous section `id`, or after the
 * last section when there is none. Everything else in the file is kept; a new file starts with HEADER.
 */
export function writeSection(id: string, markdown: string, file = BENCHMARKS_DOC): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : `${HEADER}\n`;
  const block = `<!-- bench:${id} -->\n${markdown.trim()}\n<!-- /bench:${id} -->`;
  const own = [...old.matchAll(SECTION)].find((m) => m[1] === id);
  const text =
    own?.index !== undefined
      ? old.slice(0, own.index) + block + old.slice(own.index + own[0].length)
      : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
