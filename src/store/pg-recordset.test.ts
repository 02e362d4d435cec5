// The JSON the PostgreSQL bulk insert sends: lone surrogates (PostgreSQL's json refuses their escapes) become
// U+FFFD, as pg's UTF-8 encoding of a text parameter made them; everything else round-trips unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordsetJson } from './pg-recordset.ts';

test('lone surrogates become U+FFFD; pairs, escaped backslashes and other text are kept', () => {
  const cases: [string, string][] = [
    ['a\ud800b', 'a\ufffdb'],
    ['\ud800\ud800', '\ufffd\ufffd'],
    ['\udc00', '\ufffd'],
    ['\\\ud800', '\\\ufffd'],
    ['x\\ud800', 'x\\ud800'],
    ['\\\\ud800', '\\\\ud800'],
    ['😀 "quoted" \n', '😀 "quoted" \n'],
  ];
  for (const [given, stored] of cases) {
    const json = recordsetJson([{ v: given, n: 1, z: null }]);
    assert.doesNotMatch(
      json,
      /(^|[^\\])(\\\\)*\\ud[89a-f]/,
      `no lone surrogate escape left for ${JSON.stringify(given)}`,
    );
    assert.deepEqual(JSON.parse(json), [{ v: stored, n: 1, z: null }]);
  }
});
