// The web app benchmark's section of docs/benchmarks.md.

import type { WebFigures } from './web-benchmark.ts';
import { runInfoLine, type RunInfo } from './machine-info.ts';
import { goal, int, table } from './markdown.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function row(name: string, values: number[], limit: number): string[] {
  const m = median(values);
  return [
    name,
    `**${int(m)} ms**`,
    `${int(Math.min(...values))}–${int(Math.max(...values))} ms`,
    `${goal(m < limit, `< ${int(limit)} ms`)}`,
  ];
}

export function webSection(f: WebFigures, info: RunInfo): string {
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  return `## Web app: Chromium on ${int(f.records)} records

${runInfoLine(info)}

\`bench/web-benchmark.ts\`: the server in the benchmark's process on the cached seed database (SQLite), Debian's
Chromium headless through playwright-core on the same machine (it shares the cores with the server). An admin
signs in through the authorize page once; then, ${f.runs} times after one warm-up round: navigation to the activity
log (company log, a 24 h period, 100 rows) until its first row is in the table; a change of the Direction filter
until the new page's rows are in; navigation to the dashboards (7 days) until the fourth chart is drawn. Times
from the test's clock (navigation start to the element), so they include the page's script start and the API.

${table(
  ['what', 'median', 'range', 'goal'],
  [
    row('first rows of the activity log', f.firstRowsMs, 1000),
    row("a filter's rows", f.filterMs, 300),
    row('dashboard charts drawn', f.dashboardMs, 1000),
  ],
)}

Of which the call-log request (as the browser timed it, request start to response end): first rows
${int(median(f.firstRowsApiMs))} ms (median), filter ${int(median(f.filterApiMs))} ms. The machine is shared: the load average
above says how busy it was; compare figures only within one run.

First load in a fresh profile (the sign-in screen: page, script, style), transferred bytes with headers:
**${kb(f.firstLoadBytes)}** ${goal(f.firstLoadBytes < 250_000, '< 250 KB')} (${f.firstLoadFiles.map((x) => `${x.url} ${kb(x.bytes)}`).join(', ')}).
`;
}
