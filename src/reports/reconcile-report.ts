// The reconcile report over the store: matches the file's calls against only the records near them (reconcile.ts's
// rules), counts the period's outside calls for the summary, and pages the records no file call matched.

import type { AggregateQuery, ReportStore } from '../store/index.ts';
import type { ReportRow, ReportTable } from './report-definitions.ts';
import {
  candidateWindows,
  matchCalls,
  onlyInRingLogRow,
  RECONCILE_COLUMNS,
  type ExternalCall,
  type ReconcileRules,
} from './reconcile.ts';

/** Which page of the only-in-ringlog rows to answer (1-based). */
export interface ReconcilePaging {
  page: number;
  perPage: number;
}

export const RECONCILE_PER_PAGE = 1000;
export const MAX_RECONCILE_PER_PAGE = 10_000;

export interface ReconcileAnswer {
  /** Every matched and only-in-file row, then the page's only-in-ringlog rows; with the summary and paging. */
  table: ReportTable;
  /** The only-in-ringlog rows after the table's page, a page (perPage rows) at a time, read as they are asked for. */
  rest(): AsyncGenerator<ReportRow[]>;
}

export async function reconcileReport(
  reports: ReportStore,
  q: AggregateQuery,
  calls: readonly ExternalCall[],
  rules: ReconcileRules,
  paging: ReconcilePaging,
): Promise<ReconcileAnswer> {
  const windows = candidateWindows(calls, rules, q.dateFrom, q.dateTo);
  const outside = await reports.count({ ...q, external: true });
  const candidates = await reports.outsideCandidates(q, windows, outside);
  const { rows, matched } = matchCalls(candidates, calls, rules);
  const except = [...matched];
  const { perPage } = paging;
  const page = await reports.outsideCallsExcept(q, except, { limit: perPage, offset: (paging.page - 1) * perPage });
  rows.push(...page.map(onlyInRingLogRow));
  const onlyInRingLog = outside - matched.size;
  return {
    table: {
      report: 'reconcile',
      columns: RECONCILE_COLUMNS,
      rows,
      summary: { matched: matched.size, onlyInFile: calls.length - matched.size, onlyInRingLog },
      paging: {
        page: paging.page,
        perPage,
        totalPages: Math.ceil(onlyInRingLog / perPage),
        totalElements: onlyInRingLog,
      },
    },
    async *rest() {
      let read = page;
      while (read.length === perPage) {
        read = await reports.outsideCallsExcept(q, except, { limit: perPage, after: read[read.length - 1] });
        if (read.length) yield read.map(onlyInRingLogRow);
      }
    },
  };
}
