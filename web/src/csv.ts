// CSV export of call-log records (RFC 4180 quoting), one row per record, the columns a person filters on.

import type { CallRecord } from './api.ts';

const COLUMNS: [string, (r: CallRecord) => string | number | undefined][] = [
  ['id', (r) => r.id],
  ['sessionId', (r) => r.sessionId],
  ['startTime', (r) => r.startTime],
  ['duration', (r) => r.duration],
  ['type', (r) => r.type],
  ['direction', (r) => r.direction],
  ['action', (r) => r.action],
  ['result', (r) => r.result],
  ['reason', (r) => r.reason],
  ['fromName', (r) => r.from?.name],
  ['fromNumber', (r) => r.from?.phoneNumber],
  ['fromExtension', (r) => r.from?.extensionNumber],
  ['toName', (r) => r.to?.name],
  ['toNumber', (r) => r.to?.phoneNumber],
  ['toExtension', (r) => r.to?.extensionNumber],
  ['extensionId', (r) => r.extension?.id],
  ['recordingId', (r) => r.recording?.id],
  ['recordingType', (r) => r.recording?.type],
  ['deleted', (r) => (r.deleted ? 'true' : 'false')],
];

function cell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.map(([name]) => name).join(',')}\r\n`;
}

export function csvRows(records: CallRecord[]): string {
  return records.map((r) => `${COLUMNS.map(([, get]) => cell(get(r))).join(',')}\r\n`).join('');
}

/** Offers `parts` as a file download. */
export function download(name: string, parts: string[], type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
