// The serve warm-up's segments, built on a thread of their own, are the bytes this thread would build.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodedSegments } from '../generator/index.ts';
import { segmentsFromThread } from './audio-warm-up.ts';

test('segments built on a warm-up thread equal those built here', async () => {
  const fromThread = await segmentsFromThread();
  const here = encodedSegments();
  assert.equal(fromThread.length, here.length);
  assert.ok(here.length > 0);
  for (const [i, segment] of here.entries()) assert.ok(Buffer.from(fromThread[i]).equals(segment), `segment ${i}`);
});
