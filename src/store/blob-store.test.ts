// Tests for the disk blob store: put/stat/read/delete, byte ranges, streamed and atomic writes, and
// that keys never reach outside the store's folder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createDiskBlobStore, type BlobStore } from './blob-store.ts';

let root: string;
let dir: string;
let store: BlobStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ringlog-blob-'));
  dir = join(root, 'blobs');
  store = createDiskBlobStore(dir);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

test('put, stat, read and delete a blob', async () => {
  const data = Buffer.from('ID3 pretend audio content');
  assert.deepEqual(await store.put('recording/123456', data), { size: data.length });
  assert.deepEqual(await store.stat('recording/123456'), { size: data.length });
  assert.ok((await collect(store.read('recording/123456'))).equals(data));
  await store.delete('recording/123456');
  assert.equal(await store.stat('recording/123456'), null);
  await store.delete('recording/123456');
});

test('stat of an unknown key is null and reading it fails', async () => {
  assert.equal(await store.stat('recording/none'), null);
  await assert.rejects(collect(store.read('recording/none')), { code: 'ENOENT' });
});

test('reads byte ranges', async () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  await store.put('recording/ranges', data);
  assert.ok((await collect(store.read('recording/ranges', 0, 0))).equals(data.subarray(0, 1)));
  assert.ok((await collect(store.read('recording/ranges', 100, 199))).equals(data.subarray(100, 200)));
  assert.ok((await collect(store.read('recording/ranges', 900))).equals(data.subarray(900)));
  assert.ok((await collect(store.read('recording/ranges', 999, 999))).equals(data.subarray(999)));
});

test('overwriting replaces the content and size', async () => {
  await store.put('recording/over', Buffer.alloc(5000, 1));
  assert.deepEqual(await store.put('recording/over', Buffer.from('short')), { size: 5 });
  assert.deepEqual(await store.stat('recording/over'), { size: 5 });
  assert.equal((await collect(store.read('recording/over'))).toString(), 'short');
});

test('stores a streamed put and leaves no temporary files', async () => {
  function* chunks(): Generator<Buffer | Uint8Array> {
    for (let i = 0; i < 50; i++) {
      yield i % 2 ? Buffer.alloc(10_000, i) : new Uint8Array(7_000).fill(i);
    }
  }
  const { size } = await store.put('recording/streamed', Readable.from(chunks()));
  assert.equal(size, 25 * 10_000 + 25 * 7_000);
  const stored = await collect(store.read('recording/streamed'));
  assert.equal(stored.length, size);
  assert.equal(stored[0], 0);
  assert.equal(stored[stored.length - 1], 49);
  assert.ok((await listFiles(dir)).every((file) => !file.includes('.tmp-')));
});

test('a failed streamed put keeps the previous blob and no temporary file', async () => {
  await store.put('recording/failing', Buffer.from('previous'));
  function* broken(): Generator<Buffer> {
    yield Buffer.from('partial');
    throw new Error('source failed');
  }
  await assert.rejects(store.put('recording/failing', Readable.from(broken())), /source failed/);
  assert.equal((await collect(store.read('recording/failing'))).toString(), 'previous');
  assert.ok((await listFiles(dir)).every((file) => !file.includes('.tmp-')));
});

test('keys cannot escape the store folder and stay distinct', async () => {
  const keys = ['../../etc/x', '/etc/passwd', '..', '.', '', 'a/../../b', 'a.tmp-1'];
  keys.push('Recording', 'recording', 'x'.repeat(500), 'ünïcödé/日本', '\ud800', '\udc00');
  for (const [i, key] of keys.entries()) await store.put(key, Buffer.from(`blob ${i}`));
  for (const [i, key] of keys.entries()) {
    assert.equal((await collect(store.read(key))).toString(), `blob ${i}`, JSON.stringify(key));
  }
  const files = await listFiles(dir);
  for (const file of files) {
    const path = relative(dir, file);
    assert.ok(!path.startsWith('..') && !path.includes(`..${sep}`), path);
  }
  assert.equal((await readdir(root)).join(), 'blobs');
});
