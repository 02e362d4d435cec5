// Tests for the HTTP Range header parser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseByteRange } from './byte-range.ts';

test('parseByteRange reads single byte ranges', () => {
  assert.deepEqual(parseByteRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(parseByteRange('bytes=500-', 1000), { start: 500, end: 999 });
  assert.deepEqual(parseByteRange('bytes=900-5000', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseByteRange('bytes=999-999', 1000), { start: 999, end: 999 });
  assert.deepEqual(parseByteRange('Bytes = 10 - 20', 1000), { start: 10, end: 20 });
});

test('parseByteRange reads suffix ranges', () => {
  assert.deepEqual(parseByteRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseByteRange('bytes=-5000', 1000), { start: 0, end: 999 });
  assert.equal(parseByteRange('bytes=-0', 1000), 'unsatisfiable');
});

test('parseByteRange reports ranges past the end as unsatisfiable', () => {
  assert.equal(parseByteRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=1000-2000', 1000), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=-10', 0), 'unsatisfiable');
});

test('parseByteRange ignores absent, malformed, multiple and foreign-unit ranges', () => {
  const headers = [undefined, '', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-1', 'bytes=1-2-3', 'bytes=-1.5'];
  for (const header of [...headers, 'bytes=0-1,5-9', 'items=0-5', '0-5']) {
    assert.equal(parseByteRange(header, 1000), null, String(header));
  }
});
