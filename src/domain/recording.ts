// Call-recording metadata. Content lives outside the record rows: in the blob store when real audio was
// imported, otherwise synthesized on request by the emulator (blobKey null).

import type { RecordingType } from './enums.ts';

export interface RecordingMeta {
  id: string;
  accountId: string;
  type: RecordingType;
  contentType: 'audio/mpeg' | 'audio/wav';
  /** Seconds of audio. */
  duration: number;
  /** Key in the blob store, or null when the content is synthesized. */
  blobKey: string | null;
  createdAt: number;
}

/** RingCentral keeps no recording shorter than this; such calls carry `shortRecording: true` instead. */
export const MIN_RECORDING_SECONDS = 30;
