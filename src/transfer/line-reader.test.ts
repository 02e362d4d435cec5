// Tests of the streaming line splitter: LF and CRLF, a last line without a newline, UTF-8 split across chunks,
// a BOM, line numbers and bytes read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLines } from './line-reader.ts';

async function lines(chunks: (Buffer | string)[]) {
  const out = [];
  for await (const line of readLines(chunks)) out.push(line);
  return out;
}

test('lines split on LF and CRLF, numbered from 1, the last one without a newline kept', async () => {
  const got = await lines(['one\r\ntw', 'o\n\nthr', 'ee']);
  assert.deepEqual(
    got.map((l) => [l.number, l.text]),
    [
      [1, 'one'],
      [2, 'two'],
      [3, ''],
      [4, 'three'],
    ],
  );
});

test('multi-byte characters split between chunks decode whole; a BOM is dropped; bytes are counted', async () => {
  const bytes = Buffer.from('\uFEFF{"name":"Zoë ☎"}\n{"n":2}\n', 'utf8');
  const got = await lines([...bytes].map((b) => Buffer.from([b])));
  assert.deepEqual(
    got.map((l) => l.text),
    ['{"name":"Zoë ☎"}', '{"n":2}'],
  );
  assert.equal(got.at(-1)!.bytesRead, bytes.length);
});
