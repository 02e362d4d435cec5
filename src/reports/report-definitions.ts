// The reports, as pure functions of the records' report facts (store/report-store.ts): volume, outcomes,
// durations, agents, call queues, queue members and contacts. Definitions: docs/reports.md.

import { isAnswered, type Extension } from '../domain/index.ts';
import type { FactRow } from '../store/index.ts';
import { LocalClock, type Interval, INTERVALS } from './local-time.ts';
import {
  averageSeconds,
  billableSeconds,
  billedAmount,
  percent,
  percentile,
  seconds,
  type BillingRule,
} from './report-math.ts';

export type Cell = string | number | null;
export type ReportRow = Record<string, Cell>;

export interface ReportTable {
  report: string;
  columns: { key: string; label: string }[];
  rows: ReportRow[];
}

/** What a report needs besides the records: the period, how to group, and the account's directory. */
export interface ReportContext {
  /** Inclusive start and exclusive end of the period, epoch ms. */
  from: number;
  to: number;
  clock: LocalClock;
  /** hour, day, week, month, direction, type or result (volume, outcomes, durations). */
  by?: string;
  /** Answered within this many seconds counts toward a queue's service level. */
  slaSeconds: number;
  billing: BillingRule;
  users: readonly Extension[];
  queues: readonly Extension[];
}

export const GROUPINGS = [...INTERVALS, 'direction', 'type', 'result'] as const;

const col = (key: string, label: string) => ({ key, label });

/** Offered inbound voice call: inbound, voice, not blocked. */
export const isOffered = (f: FactRow) => f.direction === 'Inbound' && f.type === 'Voice' && f.result !== 'Blocked';

/** The rows grouped by `by` (a time bucket in the report's zone, or a field), every bucket of the period present. */
function groups(facts: readonly FactRow[], ctx: ReportContext, fallback: string | undefined): Map<string, FactRow[]> {
  const by = ctx.by ?? fallback;
  const out = new Map<string, FactRow[]>();
  if (by === undefined) {
    out.set('all', [...facts]);
    return out;
  }
  if ((INTERVALS as readonly string[]).includes(by)) {
    const interval = by as Interval;
    const { clock } = ctx;
    for (
      let w = clock.bucketWall(ctx.from, interval);
      clock.instant(w) < ctx.to;
      w = clock.nextBucketWall(w, interval)
    ) {
      out.set(LocalClock.label(w, interval), []);
    }
    for (const f of facts) {
      const key = LocalClock.label(clock.bucketWall(f.startTime, interval), interval);
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push(f);
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  const field = by as 'direction' | 'type' | 'result';
  for (const f of facts) {
    let list = out.get(f[field]);
    if (!list) out.set(f[field], (list = []));
    list.push(f);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function volumeReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const [key, list] of groups(facts, ctx, 'day')) {
    let inbound = 0;
    let voice = 0;
    let answered = 0;
    for (const f of list) {
      if (f.direction === 'Inbound') inbound++;
      if (f.type === 'Voice') {
        voice++;
        if (isAnswered(f.result)) answered++;
      }
    }
    rows.push({
      key,
      calls: list.length,
      inbound,
      outbound: list.length - inbound,
      voice,
      fax: list.length - voice,
      answered,
    });
  }
  return {
    report: 'volume',
    columns: [
      col('key', ctx.by ?? 'day'),
      col('calls', 'Calls'),
      col('inbound', 'Inbound'),
      col('outbound', 'Outbound'),
      col('voice', 'Voice'),
      col('fax', 'Fax'),
      col('answered', 'Answered'),
    ],
    rows,
  };
}

/** Records of one kind, counted: what outcomes need (the store can count them in SQL). */
export interface OutcomeCount {
  direction: string;
  type: string;
  result: string;
  n: number;
}

/** The outcomes row of a group from its records' (direction, type, result) counts. */
export function tallyOutcomes(key: string, counts: Iterable<OutcomeCount>): ReportRow {
  let calls = 0;
  let inbound = 0;
  let offered = 0;
  let answered = 0;
  let voicemail = 0;
  let abandoned = 0;
  let blocked = 0;
  let outbound = 0;
  let connected = 0;
  let faxes = 0;
  for (const f of counts) {
    const n = f.n;
    calls += n;
    if (f.type === 'Fax') faxes += n;
    if (f.direction === 'Inbound') {
      inbound += n;
      if (f.result === 'Blocked') blocked += n;
    }
    if (f.direction === 'Inbound' && f.type === 'Voice' && f.result !== 'Blocked') {
      offered += n;
      if (isAnswered(f.result)) answered += n;
      else if (f.result === 'Voicemail') voicemail += n;
      else if (f.result === 'Abandoned') abandoned += n;
    } else if (f.direction === 'Outbound' && f.type === 'Voice') {
      outbound += n;
      if (isAnswered(f.result)) connected += n;
    }
  }
  return {
    key,
    calls,
    inbound,
    offered,
    answered,
    answerRate: percent(answered, offered),
    missed: offered - answered - voicemail - abandoned,
    voicemail,
    abandoned,
    blocked,
    outbound,
    connected,
    faxes,
  };
}

export const OUTCOME_COLUMNS = [
  col('calls', 'Calls'),
  col('inbound', 'Inbound'),
  col('offered', 'Offered'),
  col('answered', 'Answered'),
  col('answerRate', 'Answer %'),
  col('missed', 'Missed'),
  col('voicemail', 'Voicemail'),
  col('abandoned', 'Abandoned'),
  col('blocked', 'Blocked'),
  col('outbound', 'Outbound'),
  col('connected', 'Connected'),
  col('faxes', 'Faxes'),
];

export function outcomesReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const [key, list] of groups(facts, ctx, undefined)) {
    rows.push(
      tallyOutcomes(
        key,
        list.map((f) => ({ direction: f.direction, type: f.type, result: f.result, n: 1 })),
      ),
    );
  }
  return { report: 'outcomes', columns: [col('key', ctx.by ?? 'period'), ...OUTCOME_COLUMNS], rows };
}

function stats(key: string, metric: string, values: number[]): ReportRow {
  values.sort((a, b) => a - b);
  let total = 0;
  for (const v of values) total += v;
  const s = (v: number | null) => (v === null ? null : seconds(v));
  return {
    key,
    metric,
    calls: values.length,
    total: seconds(total),
    average: averageSeconds(total, values.length),
    p50: s(percentile(values, 50)),
    p90: s(percentile(values, 90)),
    p95: s(percentile(values, 95)),
    max: s(percentile(values, 100)),
  };
}

export function durationsReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const rows: ReportRow[] = [];
  for (const [key, list] of groups(facts, ctx, undefined)) {
    const talk: number[] = [];
    const wait: number[] = [];
    const duration: number[] = [];
    for (const f of list) {
      if (f.type !== 'Voice') continue;
      duration.push(f.durationMs);
      if (!isAnswered(f.result)) continue;
      talk.push(f.talkMs);
      if (f.direction === 'Inbound' && f.answerMs !== null) wait.push(f.answerMs);
    }
    rows.push(stats(key, 'talk', talk), stats(key, 'wait', wait), stats(key, 'duration', duration));
  }
  return {
    report: 'durations',
    columns: [
      col('key', ctx.by ?? 'period'),
      col('metric', 'Metric'),
      col('calls', 'Calls'),
      col('total', 'Total s'),
      col('average', 'Average s'),
      col('p50', 'Median s'),
      col('p90', 'P90 s'),
      col('p95', 'P95 s'),
      col('max', 'Max s'),
    ],
    rows,
  };
}

/** Per user: calls offered, answered, missed, outbound, talk time, average handle time, transfers. */
export function agentsReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const byLog = new Map<string, FactRow[]>();
  const transfersOut = new Map<string, number>();
  for (const f of facts) {
    if (f.log === '') {
      if (f.transferred && f.agentId) transfersOut.set(f.agentId, (transfersOut.get(f.agentId) ?? 0) + 1);
      continue;
    }
    let list = byLog.get(f.log);
    if (!list) byLog.set(f.log, (list = []));
    list.push(f);
  }
  const rows: ReportRow[] = [];
  for (const user of ctx.users) {
    let offered = 0;
    let answered = 0;
    let outbound = 0;
    let connected = 0;
    let talkMs = 0;
    let transfersIn = 0;
    for (const f of byLog.get(user.id) ?? []) {
      if (f.action === 'Transfer') transfersIn++;
      if (isOffered(f)) {
        offered++;
        if (isAnswered(f.result)) {
          answered++;
          talkMs += f.talkMs;
        }
      } else if (f.direction === 'Outbound' && f.type === 'Voice') {
        outbound++;
        if (isAnswered(f.result)) {
          connected++;
          talkMs += f.talkMs;
        }
      }
    }
    const handled = answered + connected;
    rows.push({
      extensionId: user.id,
      extensionNumber: user.extensionNumber,
      name: user.name,
      offered,
      answered,
      missed: offered - answered,
      outbound,
      connected,
      handled,
      talk: seconds(talkMs),
      averageHandle: averageSeconds(talkMs, handled),
      transfersIn,
      transfersOut: transfersOut.get(user.id) ?? 0,
    });
  }
  return {
    report: 'agents',
    columns: [
      col('extensionNumber', 'Ext'),
      col('name', 'Name'),
      col('offered', 'Offered'),
      col('answered', 'Answered'),
      col('missed', 'Missed'),
      col('outbound', 'Outbound'),
      col('connected', 'Connected'),
      col('handled', 'Handled'),
      col('talk', 'Talk s'),
      col('averageHandle', 'AHT s'),
      col('transfersIn', 'Transfers in'),
      col('transfersOut', 'Transfers out'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/** The inbound voice calls that entered through each queue. */
function queueCalls(facts: readonly FactRow[], ctx: ReportContext): Map<string, FactRow[]> {
  const out = new Map<string, FactRow[]>(ctx.queues.map((q) => [q.id, []]));
  for (const f of facts) {
    if (f.direction !== 'Inbound' || f.type !== 'Voice' || f.entryId === null) continue;
    out.get(f.entryId)?.push(f);
  }
  return out;
}

export function queuesReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const calls = queueCalls(facts, ctx);
  const rows: ReportRow[] = [];
  const slaMs = ctx.slaSeconds * 1000;
  for (const queue of ctx.queues) {
    const list = calls.get(queue.id) ?? [];
    let answered = 0;
    let abandoned = 0;
    let voicemail = 0;
    let answerMs = 0;
    let inSla = 0;
    let abandonMs = 0;
    let talkMs = 0;
    for (const f of list) {
      if (isAnswered(f.result)) {
        answered++;
        answerMs += f.answerMs ?? 0;
        talkMs += f.talkMs;
        if ((f.answerMs ?? 0) <= slaMs) inSla++;
      } else if (f.result === 'Abandoned') {
        abandoned++;
        abandonMs += f.durationMs;
      } else if (f.result === 'Voicemail') voicemail++;
    }
    rows.push({
      extensionId: queue.id,
      extensionNumber: queue.extensionNumber,
      name: queue.name,
      offered: list.length,
      answered,
      abandoned,
      voicemail,
      missed: list.length - answered - abandoned - voicemail,
      averageSpeedOfAnswer: averageSeconds(answerMs, answered),
      answeredInSla: inSla,
      serviceLevel: percent(inSla, list.length),
      averageAbandonWait: averageSeconds(abandonMs, abandoned),
      talk: seconds(talkMs),
    });
  }
  return {
    report: 'queues',
    columns: [
      col('extensionNumber', 'Ext'),
      col('name', 'Queue'),
      col('offered', 'Offered'),
      col('answered', 'Answered'),
      col('abandoned', 'Abandoned'),
      col('voicemail', 'Voicemail'),
      col('missed', 'Missed'),
      col('averageSpeedOfAnswer', 'ASA s'),
      col('answeredInSla', `In ${ctx.slaSeconds} s`),
      col('serviceLevel', 'SL %'),
      col('averageAbandonWait', 'Abandon wait s'),
      col('talk', 'Talk s'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/** Per queue and answering member: calls answered, share of the queue's answered calls, talk time. */
export function queueMembersReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  const calls = queueCalls(facts, ctx);
  const names = new Map(ctx.users.map((u) => [u.id, u]));
  const rows: ReportRow[] = [];
  for (const queue of ctx.queues) {
    const members = new Map<string, { answered: number; talkMs: number }>();
    let answered = 0;
    for (const f of calls.get(queue.id) ?? []) {
      if (!isAnswered(f.result) || f.agentId === null) continue;
      answered++;
      const m = members.get(f.agentId) ?? { answered: 0, talkMs: 0 };
      m.answered++;
      m.talkMs += f.talkMs;
      members.set(f.agentId, m);
    }
    const ordered = [...members].sort(([a, x], [b, y]) => y.answered - x.answered || (a < b ? -1 : 1));
    for (const [id, m] of ordered) {
      rows.push({
        queueId: queue.id,
        queue: queue.name,
        extensionId: id,
        extensionNumber: names.get(id)?.extensionNumber ?? null,
        name: names.get(id)?.name ?? null,
        answered: m.answered,
        share: percent(m.answered, answered),
        talk: seconds(m.talkMs),
      });
    }
  }
  return {
    report: 'queue-members',
    columns: [
      col('queue', 'Queue'),
      col('extensionNumber', 'Ext'),
      col('name', 'Member'),
      col('answered', 'Answered'),
      col('share', 'Share %'),
      col('talk', 'Talk s'),
      col('queueId', 'Queue id'),
      col('extensionId', 'Extension id'),
    ],
    rows,
  };
}

/** Per outside number: calls, faxes, talk time and billable time under the billing rule. */
export function contactsReport(facts: readonly FactRow[], ctx: ReportContext): ReportTable {
  interface Totals {
    calls: number;
    faxes: number;
    inbound: number;
    outbound: number;
    answered: number;
    talkMs: number;
    billable: number;
  }
  const contacts = new Map<string, Totals>();
  for (const f of facts) {
    if (f.contactDigits === null) continue;
    let t = contacts.get(f.contactDigits);
    if (!t) {
      t = { calls: 0, faxes: 0, inbound: 0, outbound: 0, answered: 0, talkMs: 0, billable: 0 };
      contacts.set(f.contactDigits, t);
    }
    if (f.type === 'Fax') {
      t.faxes++;
      continue;
    }
    t.calls++;
    if (f.direction === 'Inbound') t.inbound++;
    else t.outbound++;
    if (isAnswered(f.result)) {
      t.answered++;
      t.talkMs += f.talkMs;
      t.billable += billableSeconds(f.talkMs, ctx.billing);
    }
  }
  const rate = ctx.billing.ratePerMinute;
  const rows: ReportRow[] = [...contacts]
    .sort(([a, x], [b, y]) => y.talkMs - x.talkMs || y.calls - x.calls || (a < b ? -1 : 1))
    .map(([contact, t]) => ({
      contact: `+${contact}`,
      calls: t.calls,
      faxes: t.faxes,
      inbound: t.inbound,
      outbound: t.outbound,
      answered: t.answered,
      talk: seconds(t.talkMs),
      billable: t.billable,
      amount: rate === undefined ? null : billedAmount(t.billable, rate),
    }));
  const columns = [
    col('contact', 'Contact'),
    col('calls', 'Calls'),
    col('faxes', 'Faxes'),
    col('inbound', 'Inbound'),
    col('outbound', 'Outbound'),
    col('answered', 'Answered'),
    col('talk', 'Talk s'),
    col('billable', 'Billable s'),
  ];
  if (rate !== undefined) columns.push(col('amount', 'Amount'));
  return { report: 'contacts', columns, rows };
}
