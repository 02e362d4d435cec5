// Copies the recordings of synced records: metadata and audio from the upstream into the blob store and the
// store's recording table. Recordings already stored are skipped; ones the upstream no longer has are counted.

import type { CallLogRecord, RecordingMeta } from '../domain/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import { UpstreamError, type UpstreamClient } from './upstream-client.ts';

export interface RecordingStats {
  copied: number;
  bytes: number;
  /** Gone upstream (RingCentral keeps recordings 90 days). */
  unavailable: number;
}

interface RecordingWire {
  id?: string | number;
  contentUri?: string;
  contentType?: string;
  duration?: number;
}

export const recordingBlobKey = (id: string) => `recording/${id}`;

function contentTypeOf(wire: string | undefined, header: string): RecordingMeta['contentType'] {
  const type = (wire ?? header).split(';')[0].trim().toLowerCase();
  return type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave' ? 'audio/wav' : 'audio/mpeg';
}

async function alreadyStored(store: Store, blobs: BlobStore, accountId: string, id: string): Promise<boolean> {
  const meta = await store.getRecording(accountId, id);
  return meta?.blobKey != null && (await blobs.stat(meta.blobKey)) !== null;
}

/** The recordings of `records` not yet stored, one per recording id. */
function wanted(records: CallLogRecord[]): CallLogRecord[] {
  const byId = new Map<string, CallLogRecord>();
  for (const r of records) if (r.recording && !byId.has(r.recording.id)) byId.set(r.recording.id, r);
  return [...byId.values()];
}

async function copyOne(
  client: UpstreamClient,
  store: Store,
  blobs: BlobStore,
  r: CallLogRecord,
  stats: RecordingStats,
) {
  const id = r.recording!.id;
  const metaUrl = client.url(`/restapi/v1.0/account/${r.accountId}/recording/${id}`);
  let meta: RecordingWire;
  let content: { data: Buffer; contentType: string };
  try {
    meta = await client.getJson<RecordingWire>(metaUrl);
    content = await client.getBytes(client.url(meta.contentUri ?? `${metaUrl.href}/content`, {}, 'content'));
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) {
      stats.unavailable += 1;
      return;
    }
    throw err;
  }
  const key = recordingBlobKey(id);
  await blobs.put(key, content.data);
  await store.upsertRecordings([
    {
      id,
      accountId: r.accountId,
      type: r.recording!.type,
      contentType: contentTypeOf(meta.contentType, content.contentType),
      duration: typeof meta.duration === 'number' ? meta.duration : r.duration,
      blobKey: key,
      createdAt: r.startTime + r.durationMs,
    },
  ]);
  stats.copied += 1;
  stats.bytes += content.data.length;
}

export async function copyRecordings(
  client: UpstreamClient,
  store: Store,
  blobs: BlobStore,
  records: CallLogRecord[],
  stats: RecordingStats,
): Promise<void> {
  for (const r of wanted(records)) {
    if (await alreadyStored(store, blobs, r.accountId, r.recording!.id)) continue;
    await copyOne(client, store, blobs, r, stats);
  }
}
