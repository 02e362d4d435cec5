// `ringlog export --format parquet`: the records as flat columns (the record's fields, its parties', and the
// report facts of domain/call-facts.ts) plus the legs as a list of structs, in row groups written as pages arrive
// (hyparquet-writer, pure JavaScript). Loads as is into DuckDB, Spark, pandas or a warehouse.

import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { callFacts, fromWire, withBase, type CallLogLeg, type CallLogRecord, type PartyInfo } from '../domain/index.ts';
import type { ExportFilter, Store } from '../store/index.ts';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type Kind = 'string' | 'int' | 'double' | 'bool' | 'time';

const leaf = (name: string, kind: Kind, required = false): SchemaElement => {
  const repetition_type = required ? 'REQUIRED' : 'OPTIONAL';
  switch (kind) {
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'int':
      return { name, type: 'INT32', repetition_type };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type };
    case 'bool':
      return { name, type: 'BOOLEAN', repetition_type };
    case 'time':
      return { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type };
  }
};

type Row = Record<string, unknown>;

const PARTY_FIELDS = ['phone_number', 'extension_number', 'extension_id', 'name', 'location'] as const;

function party(prefix: string, p: PartyInfo, row: Row): void {
  row[`${prefix}_phone_number`] = p.phoneNumber ?? null;
  row[`${prefix}_extension_number`] = p.extensionNumber ?? null;
  row[`${prefix}_extension_id`] = p.extensionId ?? null;
  row[`${prefix}_name`] = p.name ?? null;
  row[`${prefix}_location`] = p.location ?? null;
}

/** The flat columns, in order: [name, kind, required]. */
const COLUMNS: [string, Kind, boolean?][] = [
  ['id', 'string', true],
  ['account_id', 'string', true],
  ['extension_id', 'string'],
  ['owner_extension_id', 'string'],
  ['session_id', 'string'],
  ['telephony_session_id', 'string'],
  ['party_id', 'string'],
  ['start_time', 'time', true],
  ['duration', 'int', true],
  ['duration_ms', 'int', true],
  ['type', 'string', true],
  ['direction', 'string', true],
  ['action', 'string', true],
  ['result', 'string', true],
  ['reason', 'string'],
  ['reason_description', 'string'],
  ['internal_type', 'string'],
  ['transport', 'string'],
  ...PARTY_FIELDS.map((f): [string, Kind] => [`from_${f}`, 'string']),
  ...PARTY_FIELDS.map((f): [string, Kind] => [`to_${f}`, 'string']),
  ['recording_id', 'string'],
  ['recording_type', 'string'],
  ['short_recording', 'bool', true],
  ['message_id', 'string'],
  ['message_type', 'string'],
  ['delegate_id', 'string'],
  ['delegate_name', 'string'],
  ['billing_cost_included', 'double'],
  ['billing_cost_purchased', 'double'],
  ['last_modified_time', 'time', true],
  ['deleted', 'bool', true],
  // Report facts (docs/reports.md).
  ['answered', 'bool', true],
  ['talk_ms', 'int', true],
  ['answer_ms', 'int'],
  ['agent_extension_id', 'string'],
  ['entry_extension_id', 'string'],
  ['contact_number', 'string'],
  ['transferred', 'bool', true],
];

const LEG_COLUMNS: [string, Kind, boolean?][] = [
  ['start_time', 'time', true],
  ['duration', 'int', true],
  ['duration_ms', 'int', true],
  ['type', 'string'],
  ['direction', 'string'],
  ['action', 'string'],
  ['result', 'string'],
  ['reason', 'string'],
  ['leg_type', 'string'],
  ['transport', 'string'],
  ['master', 'bool', true],
  ['extension_id', 'string'],
  ...PARTY_FIELDS.map((f): [string, Kind] => [`from_${f}`, 'string']),
  ...PARTY_FIELDS.map((f): [string, Kind] => [`to_${f}`, 'string']),
  ['recording_id', 'string'],
  ['message_type', 'string'],
];

export const PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: COLUMNS.length + 1 },
  ...COLUMNS.map(([name, kind, required]) => leaf(name, kind, required)),
  { name: 'legs', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: LEG_COLUMNS.length },
  ...LEG_COLUMNS.map(([name, kind, required]) => leaf(name, kind, required)),
];

function legRow(l: CallLogLeg): Row {
  const row: Row = {
    start_time: l.startTime,
    duration: l.duration,
    duration_ms: l.durationMs,
    type: l.type,
    direction: l.direction,
    action: l.action,
    result: l.result,
    reason: l.reason ?? null,
    leg_type: l.legType,
    transport: l.transport,
    master: l.master === true,
    extension_id: l.extensionId ?? null,
    recording_id: l.recording?.id ?? null,
    message_type: l.message?.type ?? null,
  };
  party('from', l.from, row);
  party('to', l.to, row);
  return row;
}

/** One record as a Parquet row. */
export function parquetRow(r: CallLogRecord): Row {
  const f = callFacts(r);
  const row: Row = {
    id: r.id,
    account_id: r.accountId,
    extension_id: r.extensionId,
    owner_extension_id: r.ownerExtensionId ?? null,
    session_id: r.sessionId || null,
    telephony_session_id: r.telephonySessionId || null,
    party_id: r.partyId ?? null,
    start_time: r.startTime,
    duration: r.duration,
    duration_ms: r.durationMs,
    type: r.type,
    direction: r.direction,
    action: r.action,
    result: r.result,
    reason: r.reason ?? null,
    reason_description: r.reasonDescription ?? null,
    internal_type: r.internalType ?? null,
    transport: r.transport,
    recording_id: r.recording?.id ?? null,
    recording_type: r.recording?.type ?? null,
    short_recording: r.shortRecording === true,
    message_id: r.message?.id ?? null,
    message_type: r.message?.type ?? null,
    delegate_id: r.delegate?.id ?? null,
    delegate_name: r.delegate?.name ?? null,
    billing_cost_included: r.billing?.costIncluded ?? null,
    billing_cost_purchased: r.billing?.costPurchased ?? null,
    last_modified_time: r.lastModifiedTime,
    deleted: r.deleted,
    answered: f.answerMs !== null,
    talk_ms: f.talkMs,
    answer_ms: f.answerMs,
    agent_extension_id: f.agentId,
    entry_extension_id: f.entryId,
    contact_number: f.contactDigits === null ? null : `+${f.contactDigits}`,
    transferred: f.transferred,
    legs: r.legs.map(legRow),
  };
  party('from', r.from, row);
  party('to', r.to, row);
  return row;
}

/** Rows per row group: big enough for columnar reads, small enough to hold in memory while encoding. */
export const PARQUET_ROW_GROUP = 50_000;

/** Writes every record of the filters to a Parquet file; returns how many. */
export async function exportParquet(
  store: Store,
  file: string,
  filters: ExportFilter[],
  onProgress?: (records: number) => void,
  batchSize = 1000,
): Promise<{ records: number }> {
  const writer = new ParquetWriter({ writer: fileWriter(file), schema: PARQUET_SCHEMA, createdBy: 'ringlog' });
  const names = [...COLUMNS.map(([name]) => name), 'legs'];
  let rows: Row[] = [];
  let records = 0;
  const flush = async () => {
    if (!rows.length) return;
    const group = rows;
    rows = [];
    await writer.write({
      columnData: names.map((name) => ({ name, data: group.map((row) => row[name]) })),
      rowGroupSize: group.length,
    });
  };
  for (const filter of filters) {
    for await (const page of store.exportRecords({ ...filter, view: 'Detailed' }, batchSize)) {
      for (const json of page) {
        const record = fromWire(JSON.parse(withBase(json, 'http://ringlog.invalid')), { accountId: filter.accountId });
        rows.push(parquetRow(record));
      }
      records += page.length;
      if (rows.length >= PARQUET_ROW_GROUP) await flush();
      onProgress?.(records);
    }
  }
  await flush();
  await writer.finish();
  return { records };
}
