// Dashboards from RingCentral's Business Analytics API (timeline/fetch and aggregation/fetch): volume over time and
// by hour of day, answer rate, missed and abandoned calls, talk time, per extension and per queue, for a period.

import { useMemo } from 'preact/hooks';
import { postJson, Unavailable } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { formatTotalDuration, percent } from '../format.ts';
import { navigate, withQuery, type Place } from '../router.ts';
import { useSession } from '../session.ts';
import { useRequest } from '../use-request.ts';

const BASE = '/analytics/calls/v1/accounts/~';
const DAY = 86_400_000;

interface Breakdown {
  valueType: string;
  values: Record<string, number>;
}
interface Figures {
  allCalls?: { valueType: string; values: number };
  callsByResponse?: Breakdown;
  callsByResult?: Breakdown;
  callsSegments?: Breakdown;
}
interface TimelinePoint {
  time: string;
  counters?: Figures;
  timers?: Figures;
}
interface TimelineResponse {
  data: { records: { key: string; points?: TimelinePoint[] }[] };
}
interface AggregationRecord {
  key: string;
  info?: { extensionNumber?: string; name?: string };
  counters?: Figures;
  timers?: Figures;
}
interface AggregationResponse {
  paging: { totalPages: number };
  data: { groupedBy: string; records?: AggregationRecord[] };
}

/** The figures a row or point shows: calls, answered, missed, abandoned, talk time (s). */
interface Row {
  calls: number;
  answered: number;
  missed: number;
  abandoned: number;
  talk: number;
}

function rowOf(counters: Figures | undefined, timers: Figures | undefined): Row {
  const response = counters?.callsByResponse?.values ?? {};
  const result = counters?.callsByResult?.values ?? {};
  return {
    calls: counters?.allCalls?.values ?? 0,
    answered: (response.answered ?? 0) + (response.connected ?? 0),
    missed: result.missed ?? 0,
    abandoned: result.abandoned ?? 0,
    talk: timers?.callsSegments?.values.liveTalk ?? timers?.allCalls?.values ?? 0,
  };
}

const COUNTERS_TIMELINE = { allCalls: true, callsByResponse: true, callsByResult: true };
const TIMERS_TIMELINE = { allCallsDuration: true, callsSegmentsDuration: true };
const SUM = { aggregationType: 'Sum' };
const COUNTERS_AGG = { allCalls: SUM, callsByResponse: SUM, callsByResult: SUM };
const TIMERS_AGG = { allCallsDuration: SUM, callsSegmentsDuration: SUM };

function timeSettings(from: string, to: string) {
  return { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, timeRange: { timeFrom: from, timeTo: to } };
}

/** What a caller may chart: an admin the company, a user only their own extension (as the API allows). */
type Scope = { groupBy: 'Company' } | { groupBy: 'Users'; keys: string[] };

/** The period's hourly points (in the browser's time zone). */
async function timeline(scope: Scope, from: string, to: string, signal: AbortSignal): Promise<TimelinePoint[]> {
  const body = await postJson<TimelineResponse>(
    `${BASE}/timeline/fetch?interval=Hour&perPage=20`,
    {
      grouping: scope,
      timeSettings: timeSettings(from, to),
      responseOptions: { counters: COUNTERS_TIMELINE, timers: TIMERS_TIMELINE },
    },
    signal,
  );
  return body.data.records[0]?.points ?? [];
}

async function aggregation(
  from: string,
  to: string,
  groupBy: string,
  signal: AbortSignal,
): Promise<AggregationRecord[]> {
  const out: AggregationRecord[] = [];
  for (let page = 1; page <= 20; page++) {
    const body = await postJson<AggregationResponse>(
      `${BASE}/aggregation/fetch?page=${page}&perPage=200`,
      {
        grouping: { groupBy },
        timeSettings: timeSettings(from, to),
        responseOptions: { counters: COUNTERS_AGG, timers: TIMERS_AGG },
      },
      signal,
    );
    out.push(...(body.data.records ?? []));
    if (page >= (body.paging?.totalPages ?? 1)) break;
  }
  return out;
}

interface Groups {
  users: AggregationRecord[];
  queues: AggregationRecord[];
}

/** Hourly points summed into local days (the charts' daily series, without asking the server for a second timeline). */
function byDay(hourly: TimelinePoint[]): { time: number; row: Row }[] {
  const days = new Map<number, Row>();
  for (const p of hourly) {
    const at = new Date(p.time);
    const day = new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();
    const r = rowOf(p.counters, p.timers);
    const sum = days.get(day);
    if (!sum) days.set(day, r);
    else for (const k of Object.keys(r) as (keyof Row)[]) sum[k] += r[k];
  }
  return [...days].map(([time, row]) => ({ time, row }));
}

function GroupTable({ title, what, records }: { title: string; what: string; records: AggregationRecord[] }) {
  const rows = records
    .map((r) => ({ r, f: rowOf(r.counters, r.timers) }))
    .filter(({ f }) => f.calls > 0)
    .sort((a, b) => b.f.calls - a.f.calls);
  const max = Math.max(1, ...rows.map(({ f }) => f.calls));
  return (
    <div class="table-wrap">
      <table class="calls">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{what}</th>
            <th scope="col" class="num">
              Calls
            </th>
            <th scope="col" class="num">
              Answer rate
            </th>
            <th scope="col" class="num">
              Missed
            </th>
            <th scope="col" class="num">
              Abandoned
            </th>
            <th scope="col" class="num">
              Talk time
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ r, f }) => (
            <tr key={r.key}>
              <th scope="row">
                {r.info?.extensionNumber ? `${r.info.extensionNumber} · ` : ''}
                {r.info?.name ?? r.key}
              </th>
              <td class="num">
                <span class="inline-bar" style={{ width: `${(60 * f.calls) / max}px` }} aria-hidden="true" />
                {f.calls}
              </td>
              <td class="num">{percent(f.answered, f.calls)}</td>
              <td class="num">{f.missed}</td>
              <td class="num">{f.abandoned}</td>
              <td class="num">{formatTotalDuration(f.talk)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">No calls in this period.</p>}
    </div>
  );
}

export function Dashboards({ place }: { place: Place }) {
  const { me } = useSession();
  const scope: Scope = me.isAdmin ? { groupBy: 'Company' } : { groupBy: 'Users', keys: [me.id] };
  const days = Math.min(90, Math.max(1, Number(place.query.get('days')) || 7));
  const to = place.query.get('to') ?? '';
  const { from, until } = useMemo(() => {
    const end = to ? new Date(to) : new Date();
    return { from: new Date(end.getTime() - days * DAY).toISOString(), until: end.toISOString() };
  }, [days, to]);
  const interval = days <= 2 ? 'Hour' : 'Day';
  // One hourly timeline draws every chart (days are sums of its hours); the per-extension and per-queue tables come
  // from the aggregations, asked for at the same time and shown when they arrive.
  const hourly = useRequest<TimelinePoint[]>(`${from}/${until}`, (signal) => timeline(scope, from, until, signal));
  const groups = useRequest<Groups>(`${from}/${until}`, async (signal) => {
    const [users, queues] = await Promise.all([
      aggregation(from, until, 'Users', signal),
      me.isAdmin ? aggregation(from, until, 'Queues', signal) : Promise.resolve([]),
    ]);
    return { users, queues };
  });
  const state = { loading: hourly.loading, error: hourly.error ?? groups.error };

  const charts = useMemo(() => {
    const points = hourly.data;
    if (!points) return null;
    const series =
      interval === 'Hour'
        ? points.map((p) => ({ time: Date.parse(p.time), row: rowOf(p.counters, p.timers) }))
        : byDay(points);
    const rows = series.map((p) => p.row);
    const x = series.map((p) => p.time / 1000);
    const byHour = Array.from({ length: 24 }, () => 0);
    for (const p of points) byHour[new Date(p.time).getHours()] += rowOf(p.counters, p.timers).calls;
    const total = rows.reduce(
      (a, r) => ({
        calls: a.calls + r.calls,
        answered: a.answered + r.answered,
        missed: a.missed + r.missed,
        abandoned: a.abandoned + r.abandoned,
        talk: a.talk + r.talk,
      }),
      { calls: 0, answered: 0, missed: 0, abandoned: 0, talk: 0 },
    );
    return {
      total,
      x,
      volume: [rows.map((r) => r.calls), rows.map((r) => r.answered), rows.map((r) => r.missed + r.abandoned)],
      rate: [rows.map((r) => (r.calls ? (100 * r.answered) / r.calls : null))],
      talk: [rows.map((r) => Math.round(r.talk / 60))],
      hours: Array.from({ length: 24 }, (_, h) => h),
      byHour: [byHour],
    };
  }, [hourly.data, interval]);

  const unavailable = state.error instanceof Unavailable;
  const busiest = charts ? charts.byHour[0].indexOf(Math.max(...charts.byHour[0])) : 0;

  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">Dashboards</h1>
        <div class="segmented" role="radiogroup" aria-label="Period">
          {[1, 7, 30].map((n) => (
            <button
              key={n}
              type="button"
              role="radio"
              aria-checked={days === n}
              class={days === n ? 'on' : ''}
              onClick={() => navigate(withQuery(place, { days: String(n) }))}
            >
              {n === 1 ? '24 hours' : `${n} days`}
            </button>
          ))}
        </div>
      </div>
      {unavailable && (
        <p class="notice" role="status">
          Dashboards are unavailable on this server: it does not offer RingCentral's Business Analytics API (
          <code>POST /analytics/calls/v1/accounts/~/aggregation/fetch</code>).
        </p>
      )}
      {state.error && !unavailable && (
        <p class="error" role="alert">
          {state.error.message}
        </p>
      )}
      {state.loading && !charts && <p class="muted">Loading…</p>}
      {charts && !state.error && (
        <>
          <ul class="tiles" aria-label="Totals for the period">
            <li>
              <span class="tile-value">{charts.total.calls}</span> calls
            </li>
            <li>
              <span class="tile-value">{percent(charts.total.answered, charts.total.calls)}</span> answered
            </li>
            <li>
              <span class="tile-value">{charts.total.missed}</span> missed
            </li>
            <li>
              <span class="tile-value">{charts.total.abandoned}</span> abandoned
            </li>
            <li>
              <span class="tile-value">{formatTotalDuration(charts.total.talk)}</span> talk time
            </li>
          </ul>
          <div class="charts">
            <Chart
              title={`Call volume by ${interval.toLowerCase()}`}
              summary={`${charts.total.calls} calls, ${charts.total.answered} answered, ${charts.total.missed + charts.total.abandoned} missed or abandoned.`}
              x={charts.x}
              series={[
                { label: 'Calls', color: '#4c8ed9', bars: true },
                { label: 'Answered', color: '#2e9d5b' },
                { label: 'Missed + abandoned', color: '#d9534f' },
              ]}
              values={charts.volume}
            />
            <Chart
              title="Answer rate"
              summary={`Overall ${percent(charts.total.answered, charts.total.calls)}.`}
              x={charts.x}
              series={[{ label: 'Answered %', color: '#2e9d5b', percent: true }]}
              values={charts.rate}
            />
            <Chart
              title="Volume by hour of day"
              summary={`Busiest hour: ${busiest}:00.`}
              x={charts.hours}
              labels={charts.hours.map((h) => `${h}:00`)}
              series={[{ label: 'Calls', color: '#8a6bd1', bars: true }]}
              values={charts.byHour}
            />
            <Chart
              title={`Talk time by ${interval.toLowerCase()} (minutes)`}
              summary={`${formatTotalDuration(charts.total.talk)} in total.`}
              x={charts.x}
              series={[{ label: 'Talk minutes', color: '#d9a441', bars: true }]}
              values={charts.talk}
            />
          </div>
          {groups.data ? (
            <>
              <GroupTable title="Per extension" what="Extension" records={groups.data.users} />
              {me.isAdmin && <GroupTable title="Per queue" what="Queue" records={groups.data.queues} />}
            </>
          ) : (
            groups.loading && <p class="muted">Loading the figures per extension…</p>
          )}
        </>
      )}
    </section>
  );
}
