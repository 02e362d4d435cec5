// The list benchmark's section of docs/benchmarks.md.

import type { ListFigures } from './list-benchmark.ts';
import { MAX_PAGE } from './list-scenarios.ts';
import { runInfoLine, type RunInfo } from './machine-info.ts';
import { fixed, goal, int, percent, table } from './markdown.ts';
import { mib } from './process-memory.ts';
import { PRISM_VERSION } from './prism-mock.ts';
import { describeSettings } from './store-settings.ts';

const kb = (bytes: number) => `${int(bytes / 1000)} KB`;
/** autocannon's latencies are whole milliseconds; the raw loop's are timed with performance.now(). */
const wholeMs = (n: number) => int(n);
const ms = (n: number) => fixed(n, n < 10 ? 2 : 1);

const sqliteRaw = (
  f: ListFigures,
) => `Every page a scenario may read is read once beforehand, so both sides start from a warm OS page
cache. The raw baseline reads pages drawn the same way (same generator, same seeds) in a tight loop in one
process: better-sqlite3 with the store's settings (${describeSettings(f.settings)}).`;

const POSTGRES_RAW = `Every page a scenario may read is read once beforehand (both views), so both sides start from warm
caches. The database is PostgreSQL (\`ringlog serve --db postgres://…\`, a pool of 10 connections). The raw
baseline reads pages drawn the same way (same generator, same seeds) from as many \`pg\` connections as the load
has, in one process, each back to back with a named prepared statement, after a warm-up (bench/raw-pg-list.ts).`;

export function listSection(f: ListFigures, info: RunInfo): string {
  const d = f.dataset;
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const ringlogRows = f.scenarios.map((s) => {
    const ratio = s.ringlog.requestsPerSecond / s.raw.pagesPerSecond;
    return [
      s.scenario.name,
      `**${int(s.ringlog.requestsPerSecond)}**`,
      wholeMs(s.ringlog.p50Ms),
      wholeMs(s.ringlog.p99Ms),
      kb(s.ringlog.responseBytes),
      `${int(s.raw.pagesPerSecond)} (${ms(s.raw.p50Ms)} / ${ms(s.raw.p99Ms)})`,
      `**${percent(ratio)}** ${goal(ratio >= 0.5, '≥ 50%')}`,
      s.ringlog.failures ? `**${int(s.ringlog.failures)}**` : '0',
    ];
  });
  const baselineRows = f.scenarios.map((s) => {
    const rate = s.ringlog.requestsPerSecond;
    const prism = rate / s.prism.requestsPerSecond;
    const fastify = rate / s.fastify.requestsPerSecond;
    return [
      s.scenario.name,
      `**${int(rate)}**`,
      kb(s.ringlog.responseBytes),
      `${int(s.prism.requestsPerSecond)} (${kb(s.prism.responseBytes)})`,
      `**${fixed(prism, 2)}×** ${goal(prism >= 2, '≥ 2×')}`,
      `${int(s.fastify.requestsPerSecond)} (${kb(s.fastify.responseBytes)})`,
      `**${percent(fastify)}** ${goal(fastify >= 0.6, '≥ 60%')}`,
      s.prism.failures + s.fastify.failures ? `**${int(s.prism.failures + s.fastify.failures)}**` : '0',
    ];
  });
  const peak = Math.max(...f.scenarios.map((s) => s.peakRssKiB));
  const peakAnon = Math.max(...f.scenarios.map((s) => s.peakAnonKiB));
  return `## List: 100- and 1000-record pages on ${int(f.records)} records${f.backend === 'postgres' ? ' (PostgreSQL)' : ''}

${runInfoLine(info)}

The cached seed database (${f.backend === 'postgres' ? 'PostgreSQL, ' : ''}${int(f.records)} records, ${d.userIds.length} users, ${day(d.firstStart)} to ${day(d.lastStart)}), served by
\`ringlog serve\` in a child process and read by an admin (JWT bearer grant) over loopback with autocannon:
${f.connections} connections, ${f.seconds} s per scenario after a ${f.warmupSeconds} s warm-up. Each request reads page 1..${MAX_PAGE}
(at random) of a random user's log (\`/restapi/v1.0/account/~/extension/{id}/call-log\`) or of the company
log (\`/restapi/v1.0/account/~/call-log\`), \`perPage\` 100 or 1000, with \`dateFrom\`/\`dateTo\` spanning the whole data
set. ${f.backend === 'postgres' ? POSTGRES_RAW : sqliteRaw(f)}
The raw SQL is the store's (its default filters, not deleted and not \`Blocked\`; \`… ORDER BY start_time DESC, id DESC LIMIT perPage + 1 OFFSET ?\`), then a string join of the prepared JSON.

${table(['scenario', 'ringlog req/s', 'p50 ms', 'p99 ms', 'response', 'raw pages/s (p50 / p99 ms)', 'ringlog / raw', 'failed'], ringlogRows)}

Baselines, each a separate process under the same load and paths: Prism ${PRISM_VERSION} (\`prism mock\`, defaults)
serving a minimal OpenAPI document whose call-log examples are ringlog's first page of each scenario (the
\`Prefer: example=…\` header picks it; Prism peak RSS ${mib(f.prismPeakRssKiB)} MiB), and Fastify sending that same page from
memory, bytes and headers as ringlog sent them (bench/fastify-memory-server.ts): the HTTP ceiling.

${table(['scenario', 'ringlog req/s', 'response', 'Prism req/s', 'ringlog / Prism', 'Fastify req/s', 'ringlog / Fastify', 'baseline failures'], baselineRows)}

Server memory (\`/proc/PID/status\` of the \`ringlog serve\` child, sampled every 100 ms; VmRSS is RssAnon, the
process's own heap and buffers, plus RssFile, the file pages it maps):

${table(
  ['', 'VmRSS', 'RssAnon'],
  [
    ['before the load', `${mib(f.serverIdle?.rssKiB ?? 0)} MiB`, `${mib(f.serverIdle?.anonKiB ?? 0)} MiB`],
    ...f.scenarios.map((s) => [
      `peak during ${s.scenario.name}`,
      `${mib(s.peakRssKiB)} MiB`,
      `${mib(s.peakAnonKiB)} MiB`,
    ]),
    [
      '**peak under load**',
      `**${mib(peak)} MiB** (VmHWM ${mib(f.serverEnd?.hwmKiB ?? 0)} MiB)`,
      `**${mib(peakAnon)} MiB**`,
    ],
    ['at the end of the load', `${mib(f.serverEnd?.rssKiB ?? 0)} MiB`, `${mib(f.serverEnd?.anonKiB ?? 0)} MiB`],
  ],
)}`;
}
