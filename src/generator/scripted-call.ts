// A generated call from script to records: the script's events go through the session assembler (the one way
// records are built), then the generator settles what happens after the call (when each record was last
// modified, which few records their owners deleted later, when the recording file was ready).

import type { CallLogRecord, RecordingMeta } from '../domain/index.ts';
import { assembleCall, buildJournalOfSorted, type AssemblyContext, type DirectoryEntry } from '../telephony/index.ts';
import { numberPlan } from '../domain/index.ts';
import type { SessionScript } from './session-script.ts';
import { drawMs } from './session-script.ts';
import type { SeededRandom } from '../domain/index.ts';
import { DELETED_SHARE, DELETION_DELAY, LAST_MODIFIED_DELAY, RECORDED_LAST_MODIFIED_DELAY } from './traffic-mix.ts';

export interface CallAssembler {
  /** The script's records (in the order the scenario decided them) and its kept recording, or null. */
  assemble(script: SessionScript): { records: CallLogRecord[]; recording: RecordingMeta | null };
}

/** Assembles scripts of one account, whose extensions `directory` holds. */
export function callAssembler(accountId: string, directory: ReadonlyMap<string, DirectoryEntry>): CallAssembler {
  const plan = numberPlan();
  return {
    assemble(script) {
      const ctx: AssemblyContext = {
        accountId,
        extension: (id) => directory.get(id),
        recordId: (extensionId) => {
          for (const [log, id] of script.recordIds) if (log === extensionId) return id;
          throw new RangeError(`the script drew no record id for log ${extensionId ?? 'company'}`);
        },
        numberPlan: plan,
        modifiedAt: 0,
      };
      const { events, times } = script.timedEvents(false);
      const call = assembleCall(buildJournalOfSorted(events, times), ctx);
      const rank = (id: string) => script.recordIds.findIndex(([, drawn]) => drawn === id);
      const records = call.records.sort((a, b) => rank(a.id) - rank(b.id));
      const recording = call.recordings[0] ?? null;
      if (recording && script.recording) recording.createdAt += script.recording.readyDelay;
      return { records, recording };
    },
  };
}

/**
 * Sets lastModifiedTime (end of call plus a few seconds, later for recorded calls) and marks a few
 * extension-level records deleted. Returns false when the session would not be settled by endTime.
 */
export function settleRecords(
  rng: SeededRandom,
  endTime: number,
  records: CallLogRecord[],
  recording: RecordingMeta | null,
): boolean {
  for (const record of records) {
    const recorded = record.recording !== undefined || record.shortRecording === true;
    const delay = drawMs(rng, recorded ? RECORDED_LAST_MODIFIED_DELAY : LAST_MODIFIED_DELAY);
    let modified = record.startTime + record.durationMs + delay;
    if (recorded && recording && modified <= recording.createdAt) {
      modified = recording.createdAt + 1 + rng.int(1000);
    }
    if (modified >= endTime) return false;
    record.lastModifiedTime = modified;
  }
  for (const record of records) {
    if (record.extensionId === null || !rng.chance(DELETED_SHARE)) continue;
    const deletedAt = record.lastModifiedTime + drawMs(rng, DELETION_DELAY);
    if (deletedAt >= endTime) continue;
    record.deleted = true;
    record.lastModifiedTime = deletedAt;
  }
  return true;
}
