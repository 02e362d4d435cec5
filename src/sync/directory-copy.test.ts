// Tests of reading the upstream directory's JSON: ids from URIs (or numeric ids), roles from permissions,
// names and direct numbers from the contact, and RingCentral's other statuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountFromWire, extensionFromWire } from './directory-copy.ts';

test('an account: id from its uri (exact where the number is not), company name, else the service info’s', () => {
  // 2^53 + 1: JSON.parse reads the number field one less.
  const uri = 'https://platform.ringcentral.com/restapi/v1.0/account/9007199254740993';
  const wire = { uri, id: 9007199254740992, mainNumber: '+16505550100', companyName: 'Acme' };
  const account = accountFromWire(wire, 5);
  assert.deepEqual(account, { id: '9007199254740993', name: 'Acme', mainNumber: '+16505550100', createdAt: 5 });
  assert.equal(accountFromWire({ id: 7, serviceInfo: { companyName: 'Acme Inc' } }, 5).name, 'Acme Inc');
});

test('an extension: role from permissions.admin, number from the contact', () => {
  const e = extensionFromWire(
    {
      uri: 'https://platform.ringcentral.com/restapi/v1.0/account/1/extension/62264425006',
      id: 62264425006,
      extensionNumber: '101',
      name: 'Ada Lovelace',
      type: 'User',
      status: 'Enabled',
      contact: { firstName: 'Ada', lastName: 'Lovelace', businessPhone: '+16505550101' },
      permissions: { admin: { enabled: true } },
    },
    '1',
    null,
  );
  assert.deepEqual(e, {
    id: '62264425006',
    accountId: '1',
    extensionNumber: '101',
    name: 'Ada Lovelace',
    type: 'User',
    status: 'Enabled',
    role: 'admin',
    phoneNumbers: ['+16505550101'],
  });
});

test('without permissions only the syncing user is an admin; unknown statuses are Disabled', () => {
  const owner = extensionFromWire(
    { id: 7, extensionNumber: '101', contact: { firstName: 'A', lastName: 'B' } },
    '1',
    '7',
  );
  const other = extensionFromWire({ id: 8, extensionNumber: '102', status: 'Frozen' }, '1', '7');
  assert.equal(owner.role, 'admin');
  assert.equal(owner.name, 'A B');
  assert.equal(other.role, 'user');
  assert.equal(other.status, 'Disabled');
  assert.throws(() => extensionFromWire({ name: 'no id' }, '1', null), /no usable id/);
});
