// Builds the recording-audio segments on a thread of its own and posts them back (audio-warm-up.ts).

import { parentPort } from 'node:worker_threads';
import { encodedSegments } from '../generator/index.ts';

parentPort!.postMessage(encodedSegments());
