// Tests of nextPageUri: the next page is read from a list response's tail when `navigation` ends it, and from the
// whole page otherwise, never from a record that merely mentions navigation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPageUri } from './log-pass.ts';

const record = (name: string) => ({
  id: 'A1',
  from: { name },
  extra: { navigation: { nextPage: { uri: 'http://wrong/1' } } },
});
const page = (navigation: unknown, records = [record('x')]) => ({
  uri: 'http://h/call-log?page=1',
  records,
  paging: { page: 1 },
  navigation,
});

test('the next page of a list response that ends with navigation', () => {
  const text = JSON.stringify(
    page({ nextPage: { uri: 'http://h/call-log?page=2' }, firstPage: { uri: 'http://h/call-log?page=1' } }),
  );
  assert.equal(nextPageUri(text), 'http://h/call-log?page=2');
  assert.equal(nextPageUri(`${text} \r\n`), 'http://h/call-log?page=2');
  assert.equal(nextPageUri(JSON.stringify(page({ firstPage: { uri: 'x' } }))), undefined);
  assert.equal(nextPageUri(JSON.stringify(page({}))), undefined);
});

test('navigation that is not the last member, or absent, is read from the whole page', () => {
  const { navigation, ...rest } = page({ nextPage: { uri: 'http://h/call-log?page=3' } });
  assert.equal(nextPageUri(JSON.stringify({ navigation, ...rest })), 'http://h/call-log?page=3');
  assert.equal(nextPageUri(JSON.stringify(rest)), undefined);
});

test('a record that mentions navigation does not stand for the page', () => {
  const quoted = record('"navigation":{"nextPage":{"uri":"http://wrong/2"}}');
  assert.equal(nextPageUri(JSON.stringify({ uri: 'u', records: [quoted] })), undefined);
  const nested = { uri: 'u', records: [record('y')] }; // the last "navigation": belongs to a record
  assert.equal(nextPageUri(JSON.stringify(nested)), undefined);
  assert.equal(nextPageUri(JSON.stringify(page({ nextPage: { uri: 'http://h/4' } }, [quoted]))), 'http://h/4');
});

test('a page that is not JSON throws', () => {
  assert.throws(() => nextPageUri('{"records": ['), SyntaxError);
});
