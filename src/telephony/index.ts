// What other modules may use from telephony: the Telephony facade (durable intake, live views) and the pure
// session assembler the generator plays its scenarios through.
export type { TelephonySessionEventBody, TelephonyParty } from '../domain/index.ts';
export type { Telephony, IngestResult, TelephonyOptions } from './telephony.ts';
export { createTelephony } from './telephony-service.ts';
export {
  buildJournal,
  buildJournalOfSorted,
  isSessionComplete,
  type SessionJournal,
  type PartyJournal,
} from './session-journal.ts';
export { assembleCall, type AssemblyContext, type AssembledCall, type DirectoryEntry } from './session-assembler.ts';
export {
  buildLeg,
  buildRecord,
  recordingMeta,
  setResult,
  setTimes,
  wholeSecond,
  type LegSpec,
  type RecordingMark,
  type RecordSpec,
} from './call-log-spec.ts';
