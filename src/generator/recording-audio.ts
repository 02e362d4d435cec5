// Synthesized call-recording audio for the emulator: a deterministic MP3 per recording id, built
// from a small pool of pre-encoded speech-like segments, so no audio is stored and any byte range is computed.

import { Readable } from 'node:stream';
import { Mp3Encoder } from '@breezystack/lamejs';
import { SeededRandom } from '../domain/index.ts';

/** Content of one recording: exact size up front, any byte range readable on demand. */
export interface AudioContent {
  contentType: 'audio/mpeg';
  /** Exact total bytes. */
  size: number;
  /** Playable duration in seconds: whole 72 ms MP3 frames, within 36 ms of the request, at least 0.504 s. */
  durationSec: number;
  /** Bytes [start, endInclusive]; throws RangeError unless 0 <= start <= endInclusive < size. */
  read(start: number, endInclusive: number): Readable;
}

// 8 kHz mono is MPEG-2.5 Layer III: 576 samples (72 ms) per frame. At 16 kbps a frame is exactly
// 72 * 16000 / 8000 = 144 bytes and never padded, so sizes and offsets are plain arithmetic.
const SAMPLE_RATE = 8000;
const BITRATE_KBPS = 16;
const SAMPLES_PER_FRAME = 576;
const FRAME_BYTES = (72 * BITRATE_KBPS * 1000) / SAMPLE_RATE;
const FRAME_SEC = SAMPLES_PER_FRAME / SAMPLE_RATE;

// Each segment is encoded by its own encoder and flushed, so its first frame starts with an empty
// bit reservoir (main_data_begin = 0) and segments can follow one another in any order. Frames only
// reach back into earlier frames, so a recording may also end after any whole frame.
const FRAMES_PER_SEGMENT = 42; // 3.024 s
const SEGMENT_BYTES = FRAMES_PER_SEGMENT * FRAME_BYTES;
// Input samples per segment: LAME's encoder delay and flush add two frames, giving exactly 42 frames.
const SEGMENT_INPUT_SAMPLES = (FRAMES_PER_SEGMENT - 2) * SAMPLES_PER_FRAME;
const SEGMENTS_PER_SPEAKER = 4;
// Shortest content: 7 frames (0.504 s). Parsers and browser sniffers want several consecutive
// frames before they accept a stream as MP3 (music-metadata needs 5 to report a duration).
const MIN_FRAMES = 7;
const READ_CHUNK_BYTES = 64 * 1024;

interface Voice {
  pitchHz: number;
  formantScale: number;
}

// Two speakers, alternating turns: a lower and a higher voice.
const VOICES: Voice[] = [
  { pitchHz: 118, formantScale: 1 },
  { pitchHz: 205, formantScale: 1.16 },
];

// Formant frequencies (F1, F2, F3 in Hz) of a few vowels.
const VOWELS: [number, number, number][] = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
  [570, 840, 2410],
];

let segmentPool: Buffer[] | undefined;

/**
 * The audio of recording `recordingId`, lasting `durationSec` rounded to whole 72 ms frames.
 * Durations under half a second (including 0) yield the 0.504 s minimum, so the content is always
 * an MP3 that players recognise. Throws RangeError for a negative or non-finite duration.
 */
export function synthesizeRecording(recordingId: string, durationSec: number): AudioContent {
  if (!Number.isFinite(durationSec) || durationSec < 0) {
    throw new RangeError(`durationSec must be a finite number >= 0, got ${durationSec}`);
  }
  const frames = Math.max(MIN_FRAMES, Math.round(durationSec / FRAME_SEC));
  const size = frames * FRAME_BYTES;
  const seed = hashString(recordingId);
  return {
    contentType: 'audio/mpeg',
    size,
    durationSec: frames * FRAME_SEC,
    read(start, endInclusive) {
      const integers = Number.isSafeInteger(start) && Number.isSafeInteger(endInclusive);
      if (!integers || start < 0 || start > endInclusive || endInclusive >= size) {
        throw new RangeError(`invalid byte range ${start}-${endInclusive} for size ${size}`);
      }
      return Readable.from(readChunks(seed, start, endInclusive), { objectMode: false });
    },
  };
}

/** Yields bytes [start, end] of the recording with the given seed, in chunks of up to 64 KiB. */
function* readChunks(seed: number, start: number, end: number): Generator<Buffer> {
  const pool = getSegmentPool();
  for (let pos = start; pos <= end;) {
    const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, end - pos + 1));
    let filled = 0;
    while (filled < chunk.length) {
      const segment = pool[segmentAt(seed, Math.floor(pos / SEGMENT_BYTES))];
      const offset = pos % SEGMENT_BYTES;
      const copied = segment.copy(chunk, filled, offset, Math.min(SEGMENT_BYTES, offset + chunk.length - filled));
      filled += copied;
      pos += copied;
    }
    yield chunk;
  }
}

/** Pool index of the n-th segment of a recording: speakers alternate, each turn picked by hash. */
function segmentAt(seed: number, n: number): number {
  const speaker = (n + seed) & 1;
  const turn = mix32(seed ^ mix32(n + 0x9e3779b9)) % SEGMENTS_PER_SPEAKER;
  return speaker * SEGMENTS_PER_SPEAKER + turn;
}

/**
 * Builds the segment pool now (about half a second) rather than on the first play, e.g. before a server listens;
 * or takes `segments` built elsewhere (encodedSegments on another thread, whose encoder garbage leaves with it).
 */
export function warmRecordingAudio(segments?: readonly Uint8Array[]): void {
  if (segments) segmentPool ??= segments.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength));
  else getSegmentPool();
}

/** The segment pool's encoded segments (for warmRecordingAudio on another thread). */
export function encodedSegments(): Buffer[] {
  return getSegmentPool();
}

/** The encoded segments, built once per process on first use (a fraction of a second). */
function getSegmentPool(): Buffer[] {
  segmentPool ??= VOICES.flatMap((voice, v) =>
    Array.from({ length: SEGMENTS_PER_SPEAKER }, (_, i) => encodeSegment(synthesizeSpeech(voice, 1000 + v * 100 + i))),
  );
  return segmentPool;
}

/** Encodes PCM with a fresh encoder and returns exactly FRAMES_PER_SEGMENT frames. */
function encodeSegment(pcm: Int16Array): Buffer {
  const encoder = new Mp3Encoder(1, SAMPLE_RATE, BITRATE_KBPS);
  const parts: Buffer[] = [];
  for (let i = 0; i < pcm.length; i += 1152) parts.push(Buffer.from(encoder.encodeBuffer(pcm.subarray(i, i + 1152))));
  parts.push(Buffer.from(encoder.flush()));
  const encoded = Buffer.concat(parts);
  if (encoded.length < SEGMENT_BYTES || encoded.length % FRAME_BYTES !== 0) {
    throw new Error(`unexpected MP3 encoder output: ${encoded.length} bytes`);
  }
  return encoded.subarray(0, SEGMENT_BYTES);
}

/**
 * One speaker's turn: words of one to three voiced syllables (harmonics shaped by vowel formants,
 * a gliding pitch, some with a noisy consonant onset) separated by pauses, over faint line noise.
 */
function synthesizeSpeech(voice: Voice, seed: number): Int16Array {
  const rng = new SeededRandom(seed);
  const random = () => rng.next();
  const out = new Float64Array(SEGMENT_INPUT_SAMPLES);
  const tailSilence = Math.round(0.25 * SAMPLE_RATE);
  let t = Math.round((0.05 + random() * 0.2) * SAMPLE_RATE);
  while (true) {
    const syllables = 1 + Math.floor(random() * 3);
    const lengths = Array.from({ length: syllables }, () => Math.round((0.12 + random() * 0.16) * SAMPLE_RATE));
    const wordLength = lengths.reduce((a, b) => a + b, 0);
    if (t + wordLength > out.length - tailSilence) break;
    for (const length of lengths) {
      addSyllable(out, t, length, voice, random);
      t += length;
    }
    t += Math.round((0.06 + random() * (random() < 0.2 ? 0.5 : 0.15)) * SAMPLE_RATE);
  }
  const pcm = new Int16Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const noise = (random() + random() + random() - 1.5) * 60;
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(out[i] * 9000 + noise)));
  }
  return pcm;
}

/** Adds one syllable of `length` samples at `start` to `out` (peak amplitude about 1). */
function addSyllable(out: Float64Array, start: number, length: number, voice: Voice, random: () => number): void {
  const formants = VOWELS[Math.floor(random() * VOWELS.length)].map((f) => f * voice.formantScale);
  const pitchFrom = voice.pitchHz * (0.9 + random() * 0.25);
  const pitchTo = pitchFrom * (0.85 + random() * 0.25);
  const harmonics = Math.floor(3600 / Math.max(pitchFrom, pitchTo));
  const gains = Array.from(
    { length: harmonics },
    (_, k) => harmonicGain(((k + 1) * (pitchFrom + pitchTo)) / 2, formants) / (k + 1),
  );
  const norm = 1 / gains.reduce((a, b) => a + b, 0);
  const consonant = random() < 0.5 ? Math.round((0.02 + random() * 0.04) * SAMPLE_RATE) : 0;
  let phase = 0;
  for (let i = 0; i < length && start + i < out.length; i++) {
    const x = i / length;
    phase += (2 * Math.PI * (pitchFrom + (pitchTo - pitchFrom) * x)) / SAMPLE_RATE;
    let voiced = 0;
    for (let k = 0; k < harmonics; k++) voiced += gains[k] * Math.sin((k + 1) * phase);
    const envelope = Math.sin(Math.PI * Math.min(1, x * 1.3)) ** 0.7;
    const hiss = i < consonant ? (random() - 0.5) * 0.5 * (1 - i / consonant) : 0;
    out[start + i] += voiced * norm * 2.2 * envelope * (i < consonant ? i / consonant : 1) + hiss;
  }
}

/** Relative loudness of a harmonic at `freq` under resonances at the given formants. */
function harmonicGain(freq: number, formants: number[]): number {
  return 0.05 + formants.reduce((sum, f, i) => sum + 1 / (1 + ((freq - f) / (80 + 40 * i)) ** 2) / (i + 1), 0);
}

/** FNV-1a over the string's UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** MurmurHash3's 32-bit finalizer: a cheap, well-mixed hash of an integer (unsigned result). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
