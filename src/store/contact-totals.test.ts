// The contacts report's columns: read from the SQL's one list, and added up across the parts of a period.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeContacts, readContactList, type ContactTotals } from './contact-totals.ts';

const plain = (t: ContactTotals) =>
  t.contact.map((contact, i) => ({
    contact,
    calls: t.calls[i],
    faxes: t.faxes[i],
    inbound: t.inbound[i],
    answered: t.answered[i],
    talkMs: t.talkMs[i],
    billable: t.billable[i],
  }));

test('a contacts list is read into columns (calls are the records less the faxes); anything else is refused', () => {
  const t = readContactList(2, '+16505550100,3,1,2,1,61000,62,+4420794600,1,0,0,0,0,0');
  assert.deepEqual(plain(t), [
    { contact: '+16505550100', calls: 2, faxes: 1, inbound: 2, answered: 1, talkMs: 61000, billable: 62 },
    { contact: '+4420794600', calls: 1, faxes: 0, inbound: 0, answered: 0, talkMs: 0, billable: 0 },
  ]);
  // Figures past 2^31 stay exact.
  assert.equal(readContactList(1, '+1,1,0,0,1,9007199254740,1').talkMs[0], 9007199254740);
  for (const [k, v] of [
    [1, '+1,1,0,0,1,1.5,2'],
    [1, '+1,1,0,0,1,,2'],
    [1, '+1,1,0,0,1,2'],
    [1, '+1,1,0,0,1,2,3,+2,1,0,0,0,0,0'],
  ] as const) {
    assert.throws(() => readContactList(k, v), /contacts list/, v);
  }
});

test("merging adds up a number's figures across the parts; numbers of one part only are kept", () => {
  const days = readContactList(2, '+1,3,1,2,1,5000,5,+2,1,0,1,1,1000,1');
  const before = readContactList(2, '+2,2,0,2,2,3000,3,+3,1,1,0,0,0,0');
  const after = readContactList(1, '+2,1,0,0,0,0,0');
  assert.deepEqual(plain(mergeContacts([days, before, after])), [
    { contact: '+1', calls: 2, faxes: 1, inbound: 2, answered: 1, talkMs: 5000, billable: 5 },
    { contact: '+2', calls: 4, faxes: 0, inbound: 3, answered: 3, talkMs: 4000, billable: 4 },
    { contact: '+3', calls: 0, faxes: 1, inbound: 0, answered: 0, talkMs: 0, billable: 0 },
  ]);
  assert.equal(mergeContacts([days]), days);
});
