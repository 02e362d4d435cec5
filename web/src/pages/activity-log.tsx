// The activity log: the call log as a table with every filter of the API, server-side paging, Simple and Detailed
// views, a detail dialog with the legs' timeline, CSV export of the filtered log. The URL holds all of it.

import { useState } from 'preact/hooks';
import { callLogPath, get, listExtensions, type CallLogPage, type CallRecord, type ExtensionInfo } from '../api.ts';
import { SessionEnded } from '../auth.ts';
import { RecordDialog } from '../components/record-dialog.tsx';
import { Player } from '../components/player.tsx';
import { csvHeader, csvRows, download } from '../csv.ts';
import {
  formatDateTime,
  formatDuration,
  formatParty,
  formatShortDateTime,
  fromLocalInput,
  toLocalInput,
} from '../format.ts';
import { navigate, withQuery, type Place } from '../router.ts';
import { useSession } from '../session.ts';
import { useRequest } from '../use-request.ts';

/** Results a person filters on (ringlog's `result` list parameter: the server filters, so paging stays right). */
const RESULTS = [
  'Accepted',
  'Call connected',
  'Missed',
  'Voicemail',
  'Abandoned',
  'Rejected',
  'Busy',
  'No Answer',
  'Hang Up',
  'Declined',
  'Stopped',
];
const PER_PAGE = ['25', '50', '100', '250'];
const DAY = 86_400_000;

interface Filters {
  log: string;
  view: 'Simple' | 'Detailed';
  from: string;
  to: string;
  direction: string;
  type: string;
  result: string;
  transport: string;
  phone: string;
  ext: string;
  rec: string;
  deleted: boolean;
  page: number;
  perPage: string;
  record: string;
}

function filtersOf(place: Place, defaultLog: string): Filters {
  const q = place.query;
  return {
    log: q.get('log') || defaultLog,
    view: q.get('view') === 'Detailed' ? 'Detailed' : 'Simple',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    direction: q.get('direction') ?? '',
    type: q.get('type') ?? '',
    result: q.get('result') ?? '',
    transport: q.get('transport') ?? '',
    phone: q.get('phone') ?? '',
    ext: q.get('ext') ?? '',
    rec: q.get('rec') ?? '',
    deleted: q.get('deleted') === '1',
    page: Math.max(1, Number(q.get('page')) || 1),
    perPage: PER_PAGE.includes(q.get('perPage') ?? '') ? q.get('perPage')! : '100',
    record: q.get('record') ?? '',
  };
}

/** The API query for the filters (RingCentral's parameter names). */
function apiQuery(f: Filters, page: number, perPage: string): URLSearchParams {
  const q = new URLSearchParams({ view: f.view, page: String(page), perPage });
  if (f.from) q.set('dateFrom', f.from);
  if (f.to) q.set('dateTo', f.to);
  if (f.direction) q.set('direction', f.direction);
  if (f.type) q.set('type', f.type);
  if (f.result) q.set('result', f.result);
  if (f.transport) q.set('transport', f.transport);
  if (f.phone) q.set('phoneNumber', f.phone.replace(/[^\d]/g, ''));
  if (f.ext) q.set('extensionNumber', f.ext);
  if (f.rec) q.set('recordingType', f.rec);
  if (f.deleted) q.set('showDeleted', 'true');
  return q;
}

function Select(props: {
  id: string;
  label: string;
  value: string;
  options: [string, string][];
  onChange: (v: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ActivityLog({ place, recordingsOnly = false }: { place: Place; recordingsOnly?: boolean }) {
  const session = useSession();
  const { me } = session;
  const defaultLog = me.isAdmin ? 'company' : '~';
  const f = filtersOf(place, defaultLog);
  if (recordingsOnly && !f.rec) f.rec = 'All';
  // A user reads only their own log, whatever the URL says (the API would refuse anyway).
  const log = me.isAdmin ? f.log : '~';
  const set = (changes: Record<string, string | undefined>, keepPage = false) =>
    navigate(withQuery(place, keepPage ? changes : { ...changes, page: undefined }));

  const extensions = useRequest<ExtensionInfo[]>(me.isAdmin ? 'extensions' : 'none', () =>
    me.isAdmin ? listExtensions() : Promise.resolve([]),
  );
  const query = apiQuery(f, f.page, f.perPage);
  const list = useRequest<CallLogPage>(`${log}?${query}`, (signal) =>
    get<CallLogPage>(callLogPath(log), query, signal),
  );
  const [exporting, setExporting] = useState<{ rows: number; controller: AbortController } | null>(null);

  const records = list.data?.records ?? [];
  const first = (f.page - 1) * Number(f.perPage);
  const hasNext = !!list.data?.navigation.nextPage;

  const setPreset = (days: number) => {
    const to = new Date();
    set({ from: new Date(to.getTime() - days * DAY).toISOString(), to: undefined });
  };

  async function exportCsv() {
    const controller = new AbortController();
    setExporting({ rows: 0, controller });
    const parts = [csvHeader()];
    let rows = 0;
    try {
      for (let page = 1; ; page++) {
        const body = await get<CallLogPage>(callLogPath(log), apiQuery(f, page, '1000'), controller.signal);
        parts.push(csvRows(body.records));
        rows += body.records.length;
        setExporting({ rows, controller });
        if (!body.navigation.nextPage) break;
      }
      download(
        `call-log-${log === '~' ? me.extensionNumber : log}-${new Date().toISOString().slice(0, 10)}.csv`,
        parts,
      );
    } catch (err) {
      if (err instanceof SessionEnded) session.end(err.message);
      else if (!controller.signal.aborted) alert(`Export failed: ${(err as Error).message}`);
    } finally {
      setExporting(null);
    }
  }

  const logOptions: [string, string][] = [
    ['company', 'Company (all extensions)'],
    ...(extensions.data ?? []).map((e): [string, string] => [e.id, `${e.extensionNumber} · ${e.name}`]),
  ];
  const title = recordingsOnly ? 'Recordings' : 'Activity log';

  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{title}</h1>
        <div class="actions">
          {exporting ? (
            <button type="button" class="secondary" onClick={() => exporting.controller.abort()}>
              Cancel export ({exporting.rows} rows)
            </button>
          ) : (
            <button type="button" class="secondary" onClick={() => void exportCsv()}>
              Export CSV
            </button>
          )}
        </div>
      </div>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        {me.isAdmin && (
          <Select
            id="f-log"
            label="Log"
            value={log}
            options={logOptions}
            onChange={(v) => set({ log: v === 'company' ? undefined : v })}
          />
        )}
        <div class="field">
          <label for="f-from">From</label>
          <input
            id="f-from"
            type="datetime-local"
            value={toLocalInput(f.from || new Date((f.to ? Date.parse(f.to) : Date.now()) - DAY).toISOString())}
            onChange={(e) => set({ from: fromLocalInput((e.target as HTMLInputElement).value) })}
          />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input
            id="f-to"
            type="datetime-local"
            value={toLocalInput(f.to || new Date().toISOString())}
            onChange={(e) => set({ to: fromLocalInput((e.target as HTMLInputElement).value) })}
          />
        </div>
        <div class="field presets" role="group" aria-label="Period">
          <span class="label">Period</span>
          <div>
            <button type="button" class="chip" onClick={() => set({ from: undefined, to: undefined })}>
              24 h
            </button>
            <button type="button" class="chip" onClick={() => setPreset(7)}>
              7 days
            </button>
            <button type="button" class="chip" onClick={() => setPreset(30)}>
              30 days
            </button>
          </div>
        </div>
        <Select
          id="f-direction"
          label="Direction"
          value={f.direction}
          options={[
            ['', 'Any'],
            ['Inbound', 'Inbound'],
            ['Outbound', 'Outbound'],
          ]}
          onChange={(v) => set({ direction: v })}
        />
        <Select
          id="f-type"
          label="Type"
          value={f.type}
          options={[
            ['', 'Any'],
            ['Voice', 'Voice'],
            ['Fax', 'Fax'],
          ]}
          onChange={(v) => set({ type: v })}
        />
        <Select
          id="f-result"
          label="Result"
          value={f.result}
          options={[['', 'Any'], ...RESULTS.map((r): [string, string] => [r, r])]}
          onChange={(v) => set({ result: v })}
        />
        <Select
          id="f-transport"
          label="Transport"
          value={f.transport}
          options={[
            ['', 'Any'],
            ['PSTN', 'PSTN'],
            ['VoIP', 'VoIP'],
          ]}
          onChange={(v) => set({ transport: v })}
        />
        <Select
          id="f-rec"
          label="Recording"
          value={f.rec}
          options={
            recordingsOnly
              ? [
                  ['All', 'Any recording'],
                  ['Automatic', 'Automatic'],
                  ['OnDemand', 'On demand'],
                ]
              : [
                  ['', 'With or without'],
                  ['All', 'Recorded only'],
                  ['Automatic', 'Automatic'],
                  ['OnDemand', 'On demand'],
                ]
          }
          onChange={(v) => set({ rec: v })}
        />
        <div class="field">
          <label for="f-phone">Phone number</label>
          <input
            id="f-phone"
            type="search"
            inputmode="tel"
            placeholder="e.g. 16505550100"
            value={f.phone}
            onChange={(e) => set({ phone: (e.target as HTMLInputElement).value.trim(), ext: undefined })}
          />
        </div>
        {log === 'company' && (
          <div class="field">
            <label for="f-ext">Extension number</label>
            <input
              id="f-ext"
              type="search"
              inputmode="numeric"
              placeholder="e.g. 101"
              value={f.ext}
              onChange={(e) => set({ ext: (e.target as HTMLInputElement).value.trim(), phone: undefined })}
            />
          </div>
        )}
        <div class="field check">
          <input
            id="f-deleted"
            type="checkbox"
            checked={f.deleted}
            onChange={(e) => set({ deleted: (e.target as HTMLInputElement).checked ? '1' : undefined })}
          />
          <label for="f-deleted">Show deleted</label>
        </div>
        <div class="field" role="radiogroup" aria-label="View">
          <span class="label">View</span>
          <div class="segmented">
            {(['Simple', 'Detailed'] as const).map((v) => (
              <button
                key={v}
                type="button"
                role="radio"
                aria-checked={f.view === v}
                class={f.view === v ? 'on' : ''}
                onClick={() => set({ view: v === 'Simple' ? undefined : v }, true)}
              >
                {v}
              </button>
            ))}
          </div>
        </div>
      </form>

      {list.error && (
        <p class="error" role="alert">
          {list.error.message}
        </p>
      )}
      <div class="table-wrap" aria-busy={list.loading}>
        <table class="calls">
          <caption class="sr-only">
            {title}: {list.loading ? 'loading' : `${records.length} calls on page ${f.page}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Start</th>
              <th scope="col">Direction</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Type</th>
              <th scope="col">Result</th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col">Recording</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <CallRow
                key={r.id}
                record={r}
                place={place}
                detailed={f.view === 'Detailed'}
                playInline={recordingsOnly}
              />
            ))}
          </tbody>
        </table>
        {!list.loading && !list.error && records.length === 0 && <p class="empty">No calls match these filters.</p>}
      </div>
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          class="secondary"
          disabled={f.page <= 1 || list.loading}
          onClick={() => set({ page: String(f.page - 1) }, true)}
        >
          ← Previous
        </button>
        <span aria-live="polite">
          Page {f.page}
          {list.data?.records.length ? ` · rows ${first + 1}–${first + list.data.records.length}` : ''}
          {list.loading ? ' · loading…' : ''}
        </span>
        <button
          type="button"
          class="secondary"
          disabled={!hasNext || list.loading}
          onClick={() => set({ page: String(f.page + 1) }, true)}
        >
          Next →
        </button>
        <Select
          id="f-perpage"
          label="Rows per page"
          value={f.perPage}
          options={PER_PAGE.map((n): [string, string] => [n, n])}
          onChange={(v) => set({ perPage: v })}
        />
      </nav>
      {f.record && (
        <RecordDialog log={log} id={f.record} onClose={() => navigate(withQuery(place, { record: undefined }), true)} />
      )}
    </section>
  );
}

function CallRow({
  record: r,
  place,
  detailed,
  playInline,
}: {
  record: CallRecord;
  place: Place;
  detailed: boolean;
  playInline: boolean;
}) {
  const [playing, setPlaying] = useState(false);
  const href = withQuery(place, { record: r.id });
  const open = (e: MouseEvent) => {
    e.preventDefault();
    navigate(href);
  };
  return (
    <>
      <tr class={r.deleted ? 'deleted' : ''}>
        <td>
          <a
            href={href}
            onClick={open}
            aria-label={`Details of the ${r.direction.toLowerCase()} call at ${formatDateTime(r.startTime)}`}
          >
            {formatShortDateTime(r.startTime)}
          </a>
          {r.deleted && <span class="tag bad">deleted</span>}
        </td>
        <td>
          <span class={`dir ${r.direction.toLowerCase()}`} aria-hidden="true">
            {r.direction === 'Inbound' ? '↙' : '↗'}
          </span>{' '}
          {r.direction}
        </td>
        <td class="party">{formatParty(r.from)}</td>
        <td class="party">{formatParty(r.to)}</td>
        <td>{r.type}</td>
        <td>
          <span class={`result ${/Missed|No Answer|Abandoned|Rejected|Busy/.test(r.result) ? 'bad' : ''}`}>
            {r.result}
          </span>
        </td>
        <td class="num">{formatDuration(r.duration)}</td>
        <td>
          {r.recording &&
            (playInline ? (
              <button type="button" class="chip" aria-expanded={playing} onClick={() => setPlaying(!playing)}>
                {playing ? 'Hide player' : 'Play'}
              </button>
            ) : (
              <a href={href} onClick={open} class="chip" aria-label="Open the call to play its recording">
                ▶ {r.recording.type}
              </a>
            ))}
        </td>
      </tr>
      {playing && r.recording && (
        <tr class="player-row">
          <td colSpan={8}>
            <Player recordingId={r.recording.id} label={`the call at ${formatDateTime(r.startTime)}`} />
          </td>
        </tr>
      )}
      {detailed && r.legs && r.legs.length > 0 && (
        <tr class="legs-row">
          <td colSpan={8}>
            <ul class="legs-inline" aria-label="Legs">
              {r.legs.map((leg, i) => (
                <li key={i}>
                  <span class="muted">{leg.legType}</span> {formatParty(leg.from)} → {formatParty(leg.to)}:{' '}
                  <strong>{leg.result}</strong> ({formatDuration(leg.duration)})
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}
