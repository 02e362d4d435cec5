// What other modules may use from sync: running a sync of an upstream into the store, verifying the archive
// against the upstream, and the text of its progress line.

export {
  runSync,
  thirteenMonthsBefore,
  DEFAULT_LOOKBACK_DAYS,
  DEFAULT_PER_PAGE,
  type SyncOptions,
  type SyncSummary,
  type SyncStatus,
  type SyncObserver,
} from './archiver.ts';
export { verify, formatVerifyReport, type VerifyOptions, type VerifyReport, type DayDifference } from './verify.ts';
export { formatStatus } from './sync-progress.ts';
export { UpstreamError, type UpstreamCredentials } from './upstream-client.ts';
export { recordingBlobKey } from './recordings-copy.ts';
export { follow, PROVISIONAL_PREFIX, type FollowOptions, type FollowHandle } from './follow.ts';
