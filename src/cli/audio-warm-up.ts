// The recording-audio warm-up of `serve`, on a thread of its own: the MP3 encoder's garbage (20-50 MiB) leaves with
// that thread instead of staying in the server thread's heap; only the segments (about 50 KB) come back.

import { once } from 'node:events';
import { warmRecordingAudio } from '../generator/index.ts';
import { startWorker } from '../threads/index.ts';

/** The segments as encodedSegments builds them, built on a thread that ends once they are posted. */
export async function segmentsFromThread(): Promise<Uint8Array[]> {
  const worker = startWorker(new URL('./audio-warm-up-worker', import.meta.url));
  const [segments] = (await once(worker, 'message')) as [Uint8Array[]];
  await worker.terminate();
  return segments;
}

export async function warmRecordingAudioOnThread(): Promise<void> {
  warmRecordingAudio(await segmentsFromThread());
}
