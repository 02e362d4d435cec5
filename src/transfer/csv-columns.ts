// The CSV layout: the columns of RingCentral's admin-portal call-log export, then ringlog's own, each mapped to a
// field of the record's JSON. A row reads back into that JSON (fromWire validates it); a record writes one row.

import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

/** What a column's reader may ask about the file: whether its header has a column (normalized name). */
interface Sheet {
  has(name: string): boolean;
}

interface Column {
  name: string;
  write(record: Json): string;
  /**
   * Called with a cell that is not blank; text keeps its spaces (RFC 4180 takes fields as they are). `loose`
   * gathers what is finished after the whole row (Date, Time, Phone Number, Name).
   */
  read(value: string, record: Json, loose: Record<string, string>, sheet: Sheet): void;
}

function get(o: Json, path: string): unknown {
  let v: unknown = o;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Json)[key] : undefined;
  return v;
}

function set(o: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = o;
  for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Json;
  target[keys[keys.length - 1]] = value;
}

/** A field as cell text: strings as they are, numbers and booleans as JSON writes them. */
const cell = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** A column holding one JSON field as text. */
const text = (name: string, path: string): Column => ({
  name,
  write: (r) => cell(get(r, path)),
  read: (v, r) => set(r, path, v),
});

/** A column holding a number; a leading currency sign is allowed on import. */
const numeric = (name: string, path: string): Column => ({
  name,
  write: (r) => cell(get(r, path)),
  read: (v, r) => set(r, path, toNumber(name, v.trim().replace(/^\$/, ''))),
});

const flag = (name: string, path: string): Column => ({
  name,
  write: (r) => (get(r, path) === true ? 'true' : ''),
  read: (v, r) => {
    if (/^\s*(true|yes|1)\s*$/i.test(v)) set(r, path, true);
    else if (!/^\s*(false|no|0)\s*$/i.test(v)) throw new Error(`${name} "${v}" is not true or false`);
  },
});

function toNumber(column: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${column} "${v}" is not a number`);
  return n;
}

/** A short number without `+` is an extension number in RingCentral's portal export, else a phone number. */
function partyNumber(side: 'from' | 'to', own: string) {
  return (v: string, r: Json, _loose: Record<string, string>, sheet: Sheet) => {
    const isExtension = !sheet.has(own) && /^\s*\d{1,6}\s*$/.test(v);
    if (isExtension) set(r, `${side}.extensionNumber`, v.trim());
    else set(r, `${side}.phoneNumber`, v);
  };
}

const EXTENSION_IN_URI = /\/extension\/([^/?#]+)/;

function ownerId(r: Json): string {
  const uri = get(r, 'extension.uri');
  return (typeof uri === 'string' ? EXTENSION_IN_URI.exec(uri)?.[1] : undefined) ?? cell(get(r, 'extension.id'));
}

/** The owner's extension number, when one of the parties is the owner. */
function ownerNumber(r: Json): string {
  const id = ownerId(r);
  if (!id) return '';
  for (const side of ['from', 'to'])
    if (get(r, `${side}.extensionId`) === id) return cell(get(r, `${side}.extensionNumber`));
  return '';
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

function portalDate(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const d = new Date(iso);
  return `${WEEKDAYS[d.getUTCDay()]} ${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

function portalTime(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const d = new Date(iso);
  const h = d.getUTCHours();
  return `${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function hms(seconds: unknown): string {
  if (typeof seconds !== 'number') return '';
  return `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

function parseDuration(cell: string): number {
  const v = cell.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(v);
  if (!m) throw new Error(`Duration "${v}" is not h:mm:ss or seconds`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

const DATE = /^(?:[A-Za-z]{3},?\s+)?(?:(\d{1,2})\/(\d{1,2})\/(\d{4})|(\d{4})-(\d{2})-(\d{2}))$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?$/i;

/** Date and Time as the portal writes them (Tue 11/18/2025, 1:05:09 PM), read as UTC. */
function portalStartTime(date: string, time: string): string {
  const d = DATE.exec(date.trim());
  if (!d) throw new Error(`Date "${date}" is not MM/DD/YYYY or YYYY-MM-DD`);
  const t = TIME.exec(time.trim() || '0:00');
  if (!t) throw new Error(`Time "${time}" is not h:mm[:ss] [AM|PM]`);
  const [year, month, day] = d[3] ? [d[3], d[1], d[2]] : [d[4], d[5], d[6]];
  let hour = Number(t[1]);
  const meridiem = t[4]?.toUpperCase();
  if (meridiem) hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), hour, Number(t[2]), Number(t[3] ?? 0));
  if (Number.isNaN(ms)) throw new Error(`Date "${date}" and Time "${time}" are not a time`);
  return new Date(ms).toISOString();
}

const DIRECTION_WORDS: Record<string, string> = { incoming: 'Inbound', outgoing: 'Outbound' };

/** Every column, in the order ringlog writes them. */
export const CSV_COLUMNS: readonly Column[] = [
  text('Type', 'type'),
  {
    name: 'Direction',
    write: (r) => cell(r.direction),
    read: (v, r) => set(r, 'direction', DIRECTION_WORDS[v.trim().toLowerCase()] ?? v.trim()),
  },
  { name: 'From', write: (r) => cell(get(r, 'from.phoneNumber')), read: partyNumber('from', 'from extension') },
  text('From Name', 'from.name'),
  { name: 'To', write: (r) => cell(get(r, 'to.phoneNumber')), read: partyNumber('to', 'to extension') },
  text('To Name', 'to.name'),
  { name: 'Extension', write: ownerNumber, read: () => {} },
  { name: 'Date', write: (r) => portalDate(r.startTime), read: (v, _r, loose) => (loose.date = v) },
  { name: 'Time', write: (r) => portalTime(r.startTime), read: (v, _r, loose) => (loose.time = v) },
  text('Action', 'action'),
  text('Action Result', 'result'),
  text('Result Description', 'reasonDescription'),
  { name: 'Duration', write: (r) => hms(r.duration), read: (v, r) => set(r, 'duration', parseDuration(v)) },
  numeric('Included', 'billing.costIncluded'),
  numeric('Purchased', 'billing.costPurchased'),
  text('Record Id', 'id'),
  text('Session Id', 'sessionId'),
  text('Telephony Session Id', 'telephonySessionId'),
  { name: 'Record URI', write: (r) => cell(r.uri).replace(/\?.*$/, ''), read: (v, r) => set(r, 'uri', v) },
  text('Start Time', 'startTime'),
  numeric('Duration Ms', 'durationMs'),
  text('Last Modified Time', 'lastModifiedTime'),
  text('Transport', 'transport'),
  text('Internal Type', 'internalType'),
  text('Reason', 'reason'),
  { name: 'Extension Id', write: ownerId, read: (v, r) => set(r, 'extension.id', v) },
  text('From Extension', 'from.extensionNumber'),
  text('From Extension Id', 'from.extensionId'),
  text('From Location', 'from.location'),
  text('To Extension', 'to.extensionNumber'),
  text('To Extension Id', 'to.extensionId'),
  text('To Location', 'to.location'),
  text('Recording Id', 'recording.id'),
  text('Recording Type', 'recording.type'),
  flag('Short Recording', 'shortRecording'),
  text('Message Id', 'message.id'),
  text('Message Type', 'message.type'),
  text('Delegate Id', 'delegate.id'),
  text('Delegate Name', 'delegate.name'),
  text('Party Id', 'partyId'),
  flag('Deleted', 'deleted'),
];

/** Columns of the portal's Simple export, read only: the other party's number and name. */
const READ_ONLY_COLUMNS: readonly Column[] = [
  { name: 'Phone Number', write: () => '', read: (v, _r, loose) => (loose.phoneNumber = v) },
  { name: 'Name', write: () => '', read: (v, _r, loose) => (loose.name = v) },
];

/** Header names compare case-insensitively, ignoring punctuation and a parenthesized note: "Duration (h:mm:ss)". */
export const normalizeColumn = (name: string) =>
  name
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const BY_NAME = new Map([...CSV_COLUMNS, ...READ_ONLY_COLUMNS].map((c) => [normalizeColumn(c.name), c]));

export const csvHeader = (): string[] => CSV_COLUMNS.map((c) => c.name);

/** The cells of one record (its JSON as the API renders it, either view), in CSV_COLUMNS order. */
export function csvCells(record: Json): string[] {
  return CSV_COLUMNS.map((c) => c.write(record));
}

export interface CsvLayout {
  /** Header cells ringlog does not know (ignored). */
  ignored: string[];
  /** A row's cells as record JSON for fromWire; throws on a cell it cannot read. */
  toRecord(cells: string[]): Json;
}

/** Reads a header row; throws if it lacks what every record needs. */
export function csvLayout(header: string[]): CsvLayout {
  const columns = header.map((h) => BY_NAME.get(normalizeColumn(h)));
  const names = new Set(header.map(normalizeColumn));
  const sheet: Sheet = { has: (name) => names.has(name) };
  const missing = ['type', 'direction', 'action'].filter((n) => !names.has(n));
  if (!names.has('start time') && !names.has('date')) missing.push('start time (or date and time)');
  if (missing.length) throw new Error(`the CSV header lacks ${missing.join(', ')}`);
  return {
    ignored: header.filter((_h, i) => !columns[i]),
    toRecord(cells) {
      const record: Json = {};
      const loose: Record<string, string> = {};
      columns.forEach((column, i) => {
        const value = cells[i] ?? '';
        if (column && value.trim() !== '') column.read(value, record, loose, sheet);
      });
      finish(record, loose, cells);
      return record;
    },
  };
}

/** Fills what the row gave only loosely: start time from Date and Time, the other party, derived ids. */
function finish(record: Json, loose: Record<string, string>, cells: string[]): void {
  if (record.startTime === undefined && loose.date) record.startTime = portalStartTime(loose.date, loose.time ?? '');
  const other = record.direction === 'Outbound' ? 'to' : 'from';
  if (
    loose.phoneNumber &&
    get(record, `${other}.phoneNumber`) === undefined &&
    get(record, `${other}.extensionNumber`) === undefined
  ) {
    set(
      record,
      `${other}.${/^\d{1,6}$/.test(loose.phoneNumber) ? 'extensionNumber' : 'phoneNumber'}`,
      loose.phoneNumber,
    );
  }
  if (loose.name && get(record, `${other}.name`) === undefined) set(record, `${other}.name`, loose.name);
  if (record.id === undefined && typeof record.uri === 'string')
    record.id = /\/call-log\/([^/?#]+)/.exec(record.uri)?.[1];
  if (record.id === undefined || record.sessionId === undefined || record.telephonySessionId === undefined) {
    // A row without ids gets ids from its content, so importing the same file again finds the same records.
    const hash = createHash('sha256').update(cells.join('\u001f')).digest();
    record.id ??= hash.toString('base64url').slice(0, 15);
    record.sessionId ??= BigInt(`0x${hash.toString('hex', 16, 22)}`).toString();
    record.telephonySessionId ??= `s-${hash.toString('hex', 0, 16)}`;
  }
}
