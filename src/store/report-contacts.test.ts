// SQLite's choice of how `contacts` reads a period: walking the account's number-days, or the period's records by time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTACTS_BY_TIME_SHARE, contactsByTime } from './report-contacts.ts';

const DAY = 86_400_000;

test('a contacts period under a share of the log span is read by time; a longer one walks the number-days', () => {
  const span = { first: 0, last: 300 * DAY - 1 };
  const days = (from: number, to: number) => ({ dateFrom: from * DAY, dateTo: to * DAY - 1 });
  assert.equal(CONTACTS_BY_TIME_SHARE, 1 / 30);
  assert.equal(contactsByTime(days(100, 109), span), true); // 9 of 300 days
  assert.equal(contactsByTime(days(100, 110), span), false); // 10 of 300 days: not under 1/30
  assert.equal(contactsByTime(days(270, 330), span), false); // 30 days inside
  assert.equal(contactsByTime(days(295, 330), span), true); // 5 days inside, the rest after the last record
  assert.equal(contactsByTime(days(400, 430), span), true); // nothing inside
  assert.equal(contactsByTime(days(0, 1), null), false); // no records: no choice to make
});
