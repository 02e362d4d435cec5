// The comparison mock: Stoplight Prism (installed on demand under bench/out/prism, never a project dependency)
// serving a minimal OpenAPI document whose call-log response examples are real ringlog pages.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { stringify } from 'yaml';
import { startChild, type RunningServer } from './ringlog-cli.ts';

/** 5.15 and later need node 24. */
export const PRISM_VERSION = '5.14.2';

/** The prism executable under `outDir`/prism, installed with npm first if missing. */
export function ensurePrism(outDir: string): string {
  const prefix = join(outDir, 'prism');
  const bin = join(prefix, 'node_modules/.bin/prism');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`installing @stoplight/prism-cli@${PRISM_VERSION} into ${prefix}...\n`);
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', `@stoplight/prism-cli@${PRISM_VERSION}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return realpathSync(bin);
}

/** An OpenAPI 3 document with the account and extension call-log paths; one named example per key. */
export function writeMockDocument(file: string, bodies: Record<string, string>): void {
  const examples = Object.fromEntries(
    Object.entries(bodies).map(([key, body]) => [key, { value: JSON.parse(body) as unknown }]),
  );
  const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  const operation = (operationId: string, params: string[]) => ({
    get: {
      operationId,
      parameters: params.map(param),
      responses: {
        '200': {
          description: 'A page of call-log records',
          content: { 'application/json': { schema: { type: 'object' }, examples } },
        },
      },
    },
  });
  const document = {
    openapi: '3.0.3',
    info: { title: 'ringlog call-log list (benchmark mock)', version: '1.0.0' },
    paths: {
      '/restapi/v1.0/account/{accountId}/call-log': operation('readCompanyCallLog', ['accountId']),
      '/restapi/v1.0/account/{accountId}/extension/{extensionId}/call-log': operation('readUserCallLog', [
        'accountId',
        'extensionId',
      ]),
    },
  };
  writeFileSync(file, stringify(document));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** Runs `prism mock -p PORT doc.yaml` and resolves once it listens. */
export async function startPrism(bin: string, document: string): Promise<RunningServer> {
  const port = await freePort();
  return startChild(
    [bin, 'mock', '-p', String(port), document],
    (line) => LISTENING.exec(stripVTControlCharacters(line))?.[1] ?? null,
    // Prism reads and checks every example first: about 10 MB of them with the perPage 1000 pages.
    300_000,
  );
}
