// The web app benchmark's section of docs/benchmarks.md.

import type { Breakdown, WebFigures } from './web-benchmark.ts';
import { runInfoLine, type RunInfo } from './machine-info.ts';
import { goal, int, table } from './markdown.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function row(name: string, values: number[], drawn: number[], limit: number): string[] {
  const m = median(values);
  return [
    name,
    `**${int(m)} ms**`,
    `${int(Math.min(...values))}–${int(Math.max(...values))} ms`,
    `${int(median(drawn))} ms`,
    `${goal(m < limit, `< ${int(limit)} ms`)}`,
  ];
}

/** Medians of each step of a load (ms from its start on the page's clock). */
function steps(name: string, b: Breakdown[]): string[] {
  const m = (pick: (x: Breakdown) => number | undefined) => {
    const values = b.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length ? `${int(median(values))}` : '—';
  };
  return [
    name,
    m((x) => x.document),
    m((x) => x.apiStart),
    m((x) => x.apiLongest),
    m((x) => x.apiEnd),
    m((x) => x.drawn),
    m((x) => x.drawn - x.apiEnd),
  ];
}

export function webSection(f: WebFigures, info: RunInfo): string {
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  return `## Web app: Chromium on ${int(f.records)} records

${runInfoLine(info)} · load ${f.loadStart.toFixed(2)} → ${f.loadEnd.toFixed(2)} over the timed runs

\`bench/web-benchmark.ts\` (\`npm run bench -- --only web --records N --runs N\`): \`ringlog serve\` in a child
process on the cached seed database (SQLite), Debian's Chromium headless through playwright-core on the same
machine (it shares the cores with the server). An admin signs in through the authorize page once; then,
${f.runs} times after one warm-up round: navigation to the activity log (company log, a 24 h period, 100 rows)
until its first row is in the table; a change of the Direction filter until the new page's rows are in;
navigation to the dashboards (7 days) until the fourth chart is drawn. "Wall" is the driver's clock (from
\`page.goto\` or the filter's change to the element found, so it includes Chromium's navigation and the driver's
round trips); "page" is the page's own clock (navigation start or the change event to the moment the rows or the
fourth chart entered the DOM, marked by a MutationObserver the benchmark injects; for the aggregations row,
"drawn" is the per-queue table).

${table(
  ['what', 'wall (median)', 'wall range', 'page (median)', 'goal (wall)'],
  [
    row(
      'first rows of the activity log',
      f.firstRowsMs,
      f.firstRows.map((b) => b.drawn),
      1000,
    ),
    row(
      "a filter's rows",
      f.filterMs,
      f.filter.map((b) => b.drawn),
      300,
    ),
    row(
      'dashboard charts drawn',
      f.dashboardMs,
      f.dashboardTimeline.map((b) => b.drawn),
      1000,
    ),
  ],
)}

Where the time goes (medians, ms from the load's start on the page's clock; API = the call-log request, or the
dashboard's Business Analytics requests, as the browser timed them):

${table(
  ['load', 'HTML received', 'API call sent', 'longest API call', 'last API answer', 'drawn', 'drawn − last answer'],
  [
    steps('first rows', f.firstRows),
    steps('filter', f.filter),
    steps('dashboard: the timeline (charts)', f.dashboardTimeline),
    steps('dashboard: the aggregations (tables)', f.dashboardAggregations),
  ],
)}

First load in a fresh profile (the sign-in screen: page, script, style), transferred bytes with headers:
**${kb(f.firstLoadBytes)}** ${goal(f.firstLoadBytes < 250_000, '< 250 KB')} (${f.firstLoadFiles.map((x) => `${x.url} ${kb(x.bytes)} ${x.encoding}`).join(', ')}).
`;
}
