// What other modules may use from reports: running a report, its parameters, the output formats, and RingCentral's
// Business Analytics computations.

export {
  runReport,
  startReport,
  parseReportRequest,
  REPORT_NAMES,
  DEFAULT_SLA_SECONDS,
  type ReportName,
  type ReportRequest,
  type ReportResult,
} from './run-report.ts';
export type { ReportTable, ReportRow, Cell, ReportContext } from './report-definitions.ts';
export { externalCallsFromCsv, normalizeNumber, type ExternalCall, type ReconcileRules } from './reconcile.ts';
export {
  LocalClock,
  DEFAULT_BUSINESS_HOURS,
  parseBusinessHours,
  type BusinessHours,
  type Interval,
} from './local-time.ts';
export { billableSeconds, percentile, type BillingRule, type Rounding } from './report-math.ts';
export {
  formatAllRows,
  formatReport,
  reportCsv,
  reportTable,
  REPORT_FORMATS,
  type ReportFormat,
} from './report-format.ts';
export {
  analyticsAggregation,
  analyticsTimeline,
  parseAnalyticsRequest,
  parseInterval,
  ANALYTICS_SLA_SECONDS,
  type AnalyticsRequest,
  type Paging,
} from './business-analytics.ts';
