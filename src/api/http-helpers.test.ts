// The response body of list and sync pages: records of prepared JSON get the base URL and sit between head and tail.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_MARK, finishRecordsJson, preparedStringify, recordsJsonBytes, withBase } from '../domain/index.ts';
import { recordsJsonBuffer } from './http-helpers.ts';

const prepared = (id: string, name: string) =>
  preparedStringify({
    uri: `${BASE_MARK}/restapi/v1.0/account/1/extension/2/call-log/${id}?view=Simple`,
    id,
    from: { name },
    extension: { uri: `${BASE_MARK}/restapi/v1.0/account/1/extension/2`, id: 2 },
  });

test('recordsJsonBuffer writes head, the records with the base URL and commas between, then tail', () => {
  const records = [prepared('A1', 'Ann'), prepared('B2', 'Zoë 東京 \\u0000 \\'), prepared('C3', '')];
  const base = 'http://h$&:1';
  const head = '{"uri":"http://h/\\u0000?q","records":[';
  const tail = '],"paging":{"page":1}}';
  const buffer = recordsJsonBuffer(head, records, tail, base);
  const text = buffer.toString('utf8');
  assert.equal(text, `${head}${records.map((json) => withBase(json, base)).join(',')}${tail}`);
  assert.equal(buffer.length, Buffer.byteLength(text), 'the buffer is exactly the text');
  const body = JSON.parse(text) as {
    uri: string;
    records: { uri: string; from: { name: string }; extension: { uri: string } }[];
  };
  assert.equal(body.uri, 'http://h/\u0000?q', 'the head is written as it is: no base URL in it');
  assert.deepEqual(
    body.records.map((r) => r.from.name),
    ['Ann', 'Zoë 東京 \\u0000 \\', ''],
  );
  for (const r of body.records) {
    assert.ok(r.uri.startsWith('http://h$&:1/restapi/v1.0/account/1/extension/2/call-log/'), r.uri);
    assert.equal(r.extension.uri, 'http://h$&:1/restapi/v1.0/account/1/extension/2');
  }
  assert.equal(recordsJsonBuffer('[', [], ']', base).toString(), '[]');
});

test('a tail longer than the room left for it is refused, not written past the records', () => {
  const json = recordsJsonBytes('[', [prepared('A1', 'Ann')], 'http://h:1', 1);
  assert.throws(() => finishRecordsJson(json, ']]'), /longer than the room/);
  assert.equal((JSON.parse(finishRecordsJson(json, ']').toString()) as unknown[]).length, 1);
});

test('pages bigger than the buffer they are first written into, then a small one, come out whole', () => {
  const base = 'http://h:1';
  const expected = (records: string[]) => `[${records.map((json) => withBase(json, base)).join(',')}]`;
  // 2,000 records of about 300 bytes, some with 3- and 4-byte characters: the page is several times 64 KiB.
  const big = Array.from({ length: 2000 }, (_, i) => prepared(`R${i}`, i % 3 ? 'Zoë 東京 😀'.repeat(10) : 'Ann'));
  for (const records of [big, big.slice(0, 700), [prepared('A1', 'Ann')], []]) {
    const buffer = recordsJsonBuffer('[', records, ']', base);
    assert.equal(buffer.toString('utf8'), expected(records));
    assert.equal(buffer.length, Buffer.byteLength(expected(records)));
  }
  // Records read one at a time from an iterator, as a reader thread steps its statement.
  const json = recordsJsonBytes('[', big.values(), base, 1);
  assert.equal(finishRecordsJson(json, ']').toString('utf8'), expected(big));
});
