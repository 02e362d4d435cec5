// Runs the built `ringlog` command (bin/ringlog.js over dist/) in child processes: one-shot commands, and a
// server whose URL is the first line it prints.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { Credentials } from '../src/auth/index.ts';
import { watchMemory, type Memory } from './process-memory.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RINGLOG = fileURLToPath(new URL('../bin/ringlog.js', import.meta.url));
const PINNED_CLOCK = pathToFileURL(fileURLToPath(new URL('./pinned-clock.mjs', import.meta.url))).href;

/** The GLIBC_TUNABLES the `ringlog` command starts node with (its shell line in bin/ringlog.js). */
const LAUNCH_TUNABLES = /GLIBC_TUNABLES="([^$"]+)/.exec(readFileSync(RINGLOG, 'utf8'))![1];

/**
 * `env` as the `ringlog` command gives it to node. The benches start node on bin/ringlog.js themselves (to pass
 * node flags), so every child they start (ringlog and the baselines beside it) gets it from here.
 */
export function launchEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = env.GLIBC_TUNABLES;
  return {
    ...env,
    GLIBC_TUNABLES: own?.startsWith(LAUNCH_TUNABLES) ? own : [LAUNCH_TUNABLES, own].filter(Boolean).join(':'),
  };
}

/**
 * For a bench that runs ringlog's code in its own process: runs this process's command again with the `ringlog`
 * command's environment (launchEnv) and exits with its code, unless it already has it. glibc reads it at start.
 */
export function runAsTheCommandRuns(): void {
  if (process.env.GLIBC_TUNABLES === launchEnv().GLIBC_TUNABLES) return;
  const { status } = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: launchEnv(),
  });
  process.exit(status ?? 1);
}

export interface CliRun {
  stdout: string;
  /** From spawn to exit. */
  wallSeconds: number;
  /** Highest VmRSS, RssAnon and RssFile sampled, and the last reading (with VmHWM), of the child. */
  peakRssKiB: number;
  peakAnonKiB: number;
  peakFileKiB: number;
  memory: Memory | null;
}

/**
 * Runs `ringlog ARGS` (`bin`: another build's bin/ringlog.js, default this tree's); with `pinnedNow`, Date.now() in
 * the child is pinned to that time (see pinned-clock.mjs).
 */
export async function runRinglog(
  args: string[],
  options: { pinnedNow?: number; showStderr?: boolean; bin?: string } = {},
): Promise<CliRun> {
  const nodeArgs = options.pinnedNow === undefined ? [] : ['--import', PINNED_CLOCK];
  const env = launchEnv(
    options.pinnedNow === undefined ? process.env : { ...process.env, RINGLOG_BENCH_NOW: String(options.pinnedNow) },
  );
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, options.bin ?? RINGLOG, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', options.showStderr ? 'inherit' : 'pipe'],
  });
  const memory = watchMemory(child.pid ?? 0, 250);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallSeconds = (performance.now() - started) / 1000;
  memory.stop();
  if (code !== 0) throw new Error(`ringlog ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  return {
    stdout,
    wallSeconds,
    peakRssKiB: memory.peakKiB(),
    peakAnonKiB: memory.peakAnonKiB(),
    peakFileKiB: memory.peakFileKiB(),
    memory: memory.last(),
  };
}

export async function ringlogCredentials(db: string): Promise<Credentials> {
  const { stdout } = await runRinglog(['credentials', '--json', '--db', db]);
  return JSON.parse(stdout) as Credentials;
}

export interface RunningServer {
  url: string;
  pid: number;
  /** The last few KB the server wrote on stderr. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts a child server and resolves once it has printed its URL. */
export async function startChild(
  command: string[],
  urlFromLine: (line: string) => string | null,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  // BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node flags for the child, to profile it.
  const flags = process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...flags, ...command], {
    cwd: ROOT,
    env: launchEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.join(' ')}: no URL within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (line) => {
      const found = urlFromLine(line);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
  // Keep draining stdout (a request log must never block the server on a full pipe).
  return {
    url,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `ringlog serve` on `db` on a free port, with `options` (e.g. `['--simulate', '500']`). */
export function startRinglogServer(db: string, options: string[] = []): Promise<RunningServer> {
  return startChild([RINGLOG, 'serve', '--db', db, '--port', '0', ...options], (line) =>
    /^http:\/\/\S+$/.test(line.trim()) ? line.trim() : null,
  );
}

/** An access token for `creds`' admin, through the JWT bearer grant. */
export async function adminToken(url: string, creds: Credentials): Promise<string> {
  const res = await fetch(`${url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: creds.admin.jwt,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
