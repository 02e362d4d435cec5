// Tests for the synthesized recording audio: valid MP3 of the asked duration, deterministic per id,
// and byte ranges that add up to the whole file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { parseBuffer } from 'music-metadata';
import { synthesizeRecording, type AudioContent } from './recording-audio.ts';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function readAll(content: AudioContent): Promise<Buffer> {
  return collect(content.read(0, content.size - 1));
}

async function decodedDuration(mp3: Buffer): Promise<number | undefined> {
  const metadata = await parseBuffer(mp3, { mimeType: 'audio/mpeg' }, { duration: true });
  return metadata.format.duration;
}

test('decoded duration is within 1 s of the requested duration', async () => {
  for (const seconds of [31, 95, 600]) {
    const content = synthesizeRecording(`duration-${seconds}`, seconds);
    const mp3 = await readAll(content);
    assert.equal(mp3.length, content.size);
    assert.equal(content.contentType, 'audio/mpeg');
    const decoded = await decodedDuration(mp3);
    assert.ok(decoded !== undefined && Math.abs(decoded - seconds) < 1, `${seconds} s decoded as ${decoded} s`);
    assert.ok(
      Math.abs(content.durationSec - decoded) < 0.01,
      `durationSec ${content.durationSec} vs decoded ${decoded}`,
    );
  }
});

test('content is 8 kHz mono MP3 starting with a frame sync', async () => {
  const mp3 = await readAll(synthesizeRecording('123456', 20));
  assert.equal(mp3[0], 0xff);
  assert.equal(mp3[1] & 0xe0, 0xe0);
  const { format } = await parseBuffer(mp3, { mimeType: 'audio/mpeg' }, { duration: true });
  assert.equal(format.sampleRate, 8000);
  assert.equal(format.numberOfChannels, 1);
  assert.equal(format.codec, 'MPEG 2.5 Layer 3');
});

test('a zero or tiny duration still gives a short playable file', async () => {
  for (const seconds of [0, 0.01, 0.3]) {
    const content = synthesizeRecording('tiny', seconds);
    const mp3 = await readAll(content);
    assert.equal(mp3.length, content.size);
    const decoded = await decodedDuration(mp3);
    assert.ok(decoded !== undefined && decoded > 0 && decoded < 1, `${seconds} s decoded as ${decoded} s`);
  }
});

test('a three-hour recording has the right size and its last bytes are readable', async () => {
  const content = synthesizeRecording('long', 3 * 3600);
  assert.ok(Math.abs(content.durationSec - 3 * 3600) < 1);
  const tail = await collect(content.read(content.size - 5000, content.size - 1));
  assert.equal(tail.length, 5000);
});

test('rejects a negative or non-finite duration', () => {
  assert.throws(() => synthesizeRecording('x', -1), RangeError);
  assert.throws(() => synthesizeRecording('x', Number.NaN), RangeError);
  assert.throws(() => synthesizeRecording('x', Number.POSITIVE_INFINITY), RangeError);
});

test('the same id gives the same bytes, different ids different bytes', async () => {
  const first = await readAll(synthesizeRecording('2401234567', 60));
  const again = await readAll(synthesizeRecording('2401234567', 60));
  const other = await readAll(synthesizeRecording('2401234568', 60));
  assert.ok(first.equals(again));
  assert.equal(other.length, first.length);
  assert.ok(!first.equals(other));
});

test('byte ranges read piecewise join into the full content', async () => {
  const content = synthesizeRecording('ranges', 200);
  const full = await readAll(content);
  const cuts = [0, 1, 2, 143, 144, 145, 6047, 6048, 6049, 70_000, 70_001, 200_000, content.size - 1, content.size];
  const pieces: Buffer[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const piece = await collect(content.read(cuts[i], cuts[i + 1] - 1));
    assert.equal(piece.length, cuts[i + 1] - cuts[i]);
    pieces.push(piece);
  }
  assert.ok(Buffer.concat(pieces).equals(full));
  assert.ok((await collect(content.read(12_345, 99_999))).equals(full.subarray(12_345, 100_000)));
});

test('read rejects ranges outside the content', () => {
  const content = synthesizeRecording('bounds', 10);
  assert.throws(() => content.read(-1, 10), RangeError);
  assert.throws(() => content.read(10, 9), RangeError);
  assert.throws(() => content.read(0, content.size), RangeError);
  assert.throws(() => content.read(0.5, 10), RangeError);
});
