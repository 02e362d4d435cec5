// Tests of the append-only settings register: the newest write wins, a fresh reader finds it, concurrent
// writers never overwrite each other, on a real store too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../store/index.ts';
import { settingsRegister, type SettingsStore } from './settings-register.ts';

function memorySettings(): SettingsStore & { size(): number } {
  const values = new Map<string, string>();
  return {
    async getSetting(key) {
      return values.get(key) ?? null;
    },
    async initSetting(key, value) {
      if (!values.has(key)) values.set(key, value);
      return values.get(key)!;
    },
    size: () => values.size,
  };
}

test('reads null before any write, then the newest value', async () => {
  const register = settingsRegister(memorySettings(), 'k');
  assert.equal(await register.read(), null);
  await register.write('a');
  await register.write('b');
  assert.equal(await register.read(), 'b');
});

test('a fresh reader finds the newest of many writes', async () => {
  const settings = memorySettings();
  const writer = settingsRegister(settings, 'cp');
  for (let i = 1; i <= 77; i += 1) await writer.write(`v${i}`);
  assert.equal(await settingsRegister(settings, 'cp').read(), 'v77');
  assert.equal(settings.size(), 77);
  assert.equal(await settingsRegister(settings, 'other').read(), null);
});

test('two writers on one key take turns; the last write wins and none is lost', async () => {
  const settings = memorySettings();
  const a = settingsRegister(settings, 'k');
  const b = settingsRegister(settings, 'k');
  await a.write('a1');
  await b.write('b1');
  await a.write('a2');
  assert.equal(await b.read(), 'a2');
  assert.equal(settings.size(), 3);
});

test('works over a real store', async () => {
  const store = await openStore(':memory:');
  try {
    const register = settingsRegister(store, 'sync.test');
    for (const value of ['1', '2', '3']) await register.write(value);
    assert.equal(await settingsRegister(store, 'sync.test').read(), '3');
  } finally {
    await store.close();
  }
});
