// A JSON object around a `records` array of prepared JSON, written straight into one buffer: no page-sized strings
// (joined, base URL put in, concatenated, then encoded on the socket; 80 KB for 100 Simple records, 2.5 MB for
// 1000 Detailed), which weighed in garbage collection and memory. A SQLite reader thread writes the head and the
// records and hands the buffer over without a copy (sqlite-readers.ts); the tail, known once the page is read
// (paging, navigation), goes into room left for it.

import { withBase } from './call-log-record.ts';

export interface RecordsJson {
  /** `head`, the records, then at least the tail's room. */
  bytes: Buffer;
  /** Where the records end: the tail is written there. */
  end: number;
}

/** `head`, then `records` (JSON prepared with BASE_MARK) with `base` put in and joined by commas, then `tailRoom` free bytes. */
export function recordsJsonBytes(
  head: string,
  records: readonly string[],
  base: string,
  tailRoom: number,
): RecordsJson {
  const texts = records.map((json) => withBase(json, base));
  let size = Buffer.byteLength(head) + Math.max(0, texts.length - 1) + tailRoom;
  for (const text of texts) size += Buffer.byteLength(text);
  // Not from Node's shared pool: the buffer's memory is its own, so it can be transferred to another thread.
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = bytes.write(head, 0);
  for (let r = 0; r < texts.length; r++) {
    if (r > 0) bytes[at++] = 0x2c; // ,
    at += bytes.write(texts[r], at);
  }
  return { bytes, end: at };
}

/** The whole JSON: `tail` written after the records (it must fit the room left for it). */
export function finishRecordsJson(json: RecordsJson, tail: string): Buffer {
  const length = Buffer.byteLength(tail);
  if (json.end + length > json.bytes.length) throw new Error('the tail is longer than the room left for it');
  json.bytes.write(tail, json.end);
  return json.bytes.subarray(0, json.end + length);
}
