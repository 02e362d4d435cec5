// Recording resources: metadata and content (audio with Content-Length and HTTP Range), account level.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { enumValue, errors, singleValue, type RecordingMeta } from '../domain/index.ts';
import { synthesizeRecording } from '../generator/index.ts';
import { parseByteRange } from './byte-range.ts';
import { authenticate, type ApiContext } from './context.ts';
import { requireAppPermission, requireUserPermission, resolveAccountId } from './access.ts';
import { baseUrl, sendJson } from './http-helpers.ts';
import { contentDisposition } from './content-disposition.ts';
import { resource, type AccountParams, type ApiRequest } from './resource.ts';

interface RecordingParams extends AccountParams {
  recordingId: string;
}

const RECORDING_ID = /^\d{1,19}$/;

async function findRecording(
  ctx: ApiContext,
  request: ApiRequest<RecordingParams>,
  reply: FastifyReply,
): Promise<RecordingMeta> {
  const auth = await authenticate(ctx, request, reply, 'Heavy');
  requireAppPermission(auth, 'ReadCallRecording');
  const params = request.params;
  const accountId = resolveAccountId(auth, params.accountId);
  requireUserPermission(auth, 'ReadCallRecording');
  if (!RECORDING_ID.test(params.recordingId)) throw errors.invalidParameter('recordingId', params.recordingId);
  const recording = await ctx.store.getRecording(accountId, params.recordingId);
  if (!recording) throw errors.notFound('callRecordingId');
  // A user who is not an administrator reads only the recordings in their own call log.
  if (auth.role !== 'admin' && !(await ctx.store.logHasRecording(accountId, auth.extensionId, recording.id))) {
    throw errors.notFound('callRecordingId');
  }
  return recording;
}

interface Content {
  size: number;
  read(start: number, endInclusive: number): Readable;
}

async function contentOf(ctx: ApiContext, recording: RecordingMeta): Promise<Content> {
  if (recording.blobKey === null) return synthesizeRecording(recording.id, recording.duration);
  const key = recording.blobKey;
  const stat = await ctx.blobs.stat(key);
  if (!stat) throw errors.notFound('callRecordingId');
  return { size: stat.size, read: (start, end) => ctx.blobs.read(key, start, end) };
}

async function sendContent(ctx: ApiContext, request: ApiRequest<RecordingParams>, reply: FastifyReply) {
  const recording = await findRecording(ctx, request, reply);
  const query = request.query;
  const disposition = enumValue(query, 'contentDisposition', ['Inline', 'Attachment'] as const) ?? 'Inline';
  const extension = recording.contentType === 'audio/mpeg' ? 'mp3' : 'wav';
  const filename = singleValue(query, 'contentDispositionFilename') ?? `${recording.id}.${extension}`;
  const content = await contentOf(ctx, recording);
  const range = parseByteRange(request.headers.range, content.size);
  if (range === 'unsatisfiable') throw errors.rangeNotSatisfiable(content.size);
  reply
    .header('Content-Type', recording.contentType)
    .header('Accept-Ranges', 'bytes')
    .header('Content-Disposition', contentDisposition(disposition === 'Inline' ? 'inline' : 'attachment', filename));
  if (content.size === 0) return reply.code(200).header('Content-Length', '0').send('');
  const { start, end } = range ?? { start: 0, end: content.size - 1 };
  if (range) reply.code(206).header('Content-Range', `bytes ${start}-${end}/${content.size}`);
  else reply.code(200);
  reply.header('Content-Length', String(end - start + 1));
  // An empty stream, not an empty body: Fastify's HEAD handling keeps the Content-Length of a stream.
  if (request.method === 'HEAD') return reply.send(Readable.from([]));
  return reply.send(content.read(start, end));
}

export function recordingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  resource<RecordingParams>(app, '/account/:accountId/recording/:recordingId', {
    GET: async (request, reply) => {
      const recording = await findRecording(ctx, request, reply);
      const base = baseUrl(request, ctx.http);
      const uri = `${base}/restapi/v1.0/account/${recording.accountId}/recording/${recording.id}`;
      return sendJson(reply, 200, {
        uri,
        id: recording.id,
        contentUri: `${uri}/content`,
        contentType: recording.contentType,
        duration: recording.duration,
      });
    },
  });
  resource<RecordingParams>(app, '/account/:accountId/recording/:recordingId/content', {
    GET: (request, reply) => sendContent(ctx, request, reply),
  });
}
