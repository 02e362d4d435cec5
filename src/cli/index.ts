// The `ringlog` command: parses flags into a Config and runs demo, serve, seed, credentials, import or export.

import { Command, Option } from 'commander';
import { ensureCredentials, type Credentials } from '../auth/index.ts';
import { buildConfig, type CommonFlags } from './config.ts';
import { openRuntime } from './runtime.ts';
import { serve } from './serve.ts';
import { DEFAULT_SEED, seedStore } from '../generator/index.ts';
import { createProgress } from './progress.ts';
import { runSyncCommand, type SyncFlags } from './sync-command.ts';
import { runImport, type ImportFlags } from './import-command.ts';
import { runExport, type ExportFlags } from './export-command.ts';
import { DEFAULT_BASE_URL } from '../transfer/index.ts';
import { reportCommand } from './report-command.ts';
import { defaultCallsPerMinute } from '../generator/index.ts';
import type { SimulateConfig } from './simulation.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

function dbOption() {
  return new Option('--db <location>', 'SQLite file (default ./ringlog.db; env RINGLOG_DB)');
}

function serverOptions(cmd: Command): Command {
  return cmd
    .addOption(dbOption())
    .option('--port <n>', 'port to listen on, 0 for any free one (default 8080; env RINGLOG_PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; env RINGLOG_HOST)')
    .option('--public-url <url>', 'base URL to write into URIs (env RINGLOG_PUBLIC_URL)')
    .option('--access-token-ttl <seconds>', 'access token life (default 3600); short values for testing expiry')
    .option('--refresh-token-ttl <seconds>', 'refresh token life (default 604800)')
    .option(
      '--rate-limits <ringcentral|off|file>',
      'rate-limit groups (serve: off, demo: ringcentral; env RINGLOG_RATE_LIMITS)',
    )
    .option(
      '--retention <spec>',
      'archive (keep all), ringcentral (log 365 d, recordings 90 d) or log=DAYS,recordings=DAYS (env RINGLOG_RETENTION)',
    )
    .option(
      '--faults <spec>',
      'inject faults, e.g. "429=0.05,5xx=0.05,expire=0.02,latency=200,seed=7" (env RINGLOG_FAULTS)',
    )
    .option(
      '--cors-origins <list>',
      'comma-separated origins browsers may call from (default any; env RINGLOG_CORS_ORIGINS)',
    )
    .option('--log', 'log every request (JSON lines on stderr, secrets redacted)')
    .option('--allow-private-webhooks', 'let WebHook addresses point at loopback and private ranges (off by default)');
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

interface SimulateFlags {
  simulate?: string;
  simulateSpeed?: string;
  simulateSeed?: string;
}

function simulateConfig(flags: SimulateFlags, callsPerMinute: number, shape: SimulateConfig['shape']): SimulateConfig {
  if (!(callsPerMinute > 0 && Number.isFinite(callsPerMinute)))
    throw new Error(`calls per minute must be a positive number, not "${callsPerMinute}"`);
  const speed = flags.simulateSpeed === undefined ? 1 : Number(flags.simulateSpeed);
  if (!(speed > 0 && Number.isFinite(speed))) throw new Error(`--simulate-speed must be a positive number`);
  return { callsPerMinute, shape, seed: integer('--simulate-seed', flags.simulateSeed, 1), speed };
}

function printCredentials(url: string, c: Credentials): void {
  out();
  out(`Account ${c.accountId}`);
  out(`  clientId      ${c.clientId}`);
  out(`  clientSecret  ${c.clientSecret}`);
  for (const [label, u] of [
    ['admin', c.admin],
    ['user', c.user],
  ] as const) {
    out(
      `  ${label.padEnd(5)} ext ${u.extensionNumber} (id ${u.extensionId})  username ${u.username}  password ${u.password}`,
    );
    out(`        jwt ${u.jwt}`);
  }
  out();
  out(`Open ${url}/ in a browser and sign in with a username, extension and password above.`);
  out();
  out('Try it with the official SDK (npm install @ringcentral/sdk), in an .mjs file:');
  out();
  out(`  import { SDK } from '@ringcentral/sdk';`);
  out(`  const sdk = new SDK({ server: '${url}', clientId: '${c.clientId}', clientSecret: '${c.clientSecret}' });`);
  out(`  const platform = sdk.platform();`);
  out(`  await platform.login({ jwt: '${c.admin.jwt}' });`);
  out(`  const res = await platform.get('/restapi/v1.0/account/~/call-log', { view: 'Detailed', perPage: 10 });`);
  out(`  console.log((await res.json()).records);`);
  out();
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ringlog')
    .description("A self-hosted Call Log service that speaks RingCentral's Call Log API")
    .showHelpAfterError();

  serverOptions(program.command('serve').description('serve the call-log API'))
    .option('--simulate <n>', 'run N simulated calls per minute through the live path')
    .option('--simulate-speed <x>', 'simulated seconds per second for --simulate (default 1: real time)')
    .option('--simulate-seed <n>', 'random seed of the simulated traffic (default 1)')
    .action(async (flags: CommonFlags & SimulateFlags) => {
      const config = buildConfig(flags, process.env);
      if (flags.simulate !== undefined) config.simulate = simulateConfig(flags, Number(flags.simulate), 'flat');
      await serve(config);
    });

  serverOptions(
    program.command('demo').description('seed a 30-day company if empty, serve it with live calls, print credentials'),
  )
    .option('--calls-per-minute <n>', 'live calls started per minute at the busiest hour (default: suits the company)')
    .option('--no-live', 'no live simulated traffic')
    .option('--simulate-speed <x>', 'simulated seconds per second (default 1: real time)')
    .option('--simulate-seed <n>', 'random seed of the simulated traffic (default 1)')
    .action(async (flags: CommonFlags & SimulateFlags & { callsPerMinute?: string; live?: boolean }) => {
      const config = buildConfig(flags, process.env, { rateLimits: 'ringcentral', retention: 'ringcentral' });
      const runtime = await openRuntime(config);
      if ((await runtime.store.listAccounts()).length === 0) {
        process.stderr.write('Empty database: seeding a 30-day company (ringlog seed --seed 1)...\n');
        const summary = await seedStore(runtime.store, { ...DEFAULT_SEED, endTime: Date.now() });
        process.stderr.write(`Seeded ${summary.records} records in ${summary.seconds.toFixed(1)}s\n`);
      }
      if (flags.live !== false) {
        const [account] = await runtime.store.listAccounts();
        const users = (await runtime.store.listExtensions(account.id)).filter((e) => e.type === 'User').length;
        const perMinute =
          flags.callsPerMinute !== undefined ? Number(flags.callsPerMinute) : defaultCallsPerMinute(users);
        config.simulate = simulateConfig(flags, perMinute, 'business-hours');
      }
      const credentials = await ensureCredentials(runtime.store, runtime.tokens);
      await runtime.close();
      await serve(config, (url) => printCredentials(url, credentials));
    });

  program
    .command('seed')
    .description('generate a deterministic company and its call log')
    .addOption(dbOption())
    .option('--seed <n>', 'random seed', String(DEFAULT_SEED.seed))
    .option('--extensions <n>', 'number of extensions', String(DEFAULT_SEED.extensions))
    .option('--days <n>', 'days of history, ending now', String(DEFAULT_SEED.days))
    .option('--calls-per-day <n>', 'average calls per weekday', String(DEFAULT_SEED.callsPerDay))
    .option('--json', 'print a JSON summary only')
    .action(async (flags: CommonFlags & Record<string, string | boolean | undefined>) => {
      const config = buildConfig(flags, process.env);
      const runtime = await openRuntime(config);
      const options = {
        seed: integer('--seed', flags.seed as string, DEFAULT_SEED.seed),
        extensions: integer('--extensions', flags.extensions as string, DEFAULT_SEED.extensions),
        days: integer('--days', flags.days as string, DEFAULT_SEED.days),
        callsPerDay: integer('--calls-per-day', flags.callsPerDay as string, DEFAULT_SEED.callsPerDay),
        endTime: Date.now(),
      };
      if (options.extensions < 2) throw new Error('--extensions must be at least 2 (an admin and a user)');
      const progress = flags.json ? null : createProgress('seeding days', options.days);
      const summary = await seedStore(runtime.store, options, (days) => progress?.update(days));
      progress?.stop();
      await runtime.close();
      if (flags.json) out(JSON.stringify(summary));
      else
        out(
          `Seeded account ${summary.accountId}: ${summary.users} users, ${summary.extensions - summary.users} call queues, ${summary.records} records, ${summary.recordings} recordings in ${summary.seconds.toFixed(1)}s (${Math.round(summary.records / summary.seconds)} records/s)`,
        );
    });

  program
    .command('credentials')
    .description('print an app and JWT/password credentials for an admin and a user')
    .addOption(dbOption())
    .option('--json', 'print one JSON object')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const config = buildConfig(flags, process.env);
      const runtime = await openRuntime(config);
      const credentials = await ensureCredentials(runtime.store, runtime.tokens);
      await runtime.close();
      if (flags.json) out(JSON.stringify(credentials));
      else printCredentials(`http://${config.host}:${config.port}`, credentials);
    });

  program
    .command('import')
    .description('import call-log records: NDJSON as the API returns them, or CSV (see docs/import-export.md)')
    .argument('<file>', 'file to read, or - for stdin')
    .addOption(dbOption())
    .option('--format <format>', 'ndjson or csv (default: csv for a .csv file, else ndjson)')
    .option('--account <id>', 'account of records that do not name one (default: the only account)')
    .action(async (file: string, flags: ImportFlags) => {
      process.exitCode = await runImport(file, flags);
    });

  program
    .command('export')
    .description('export call-log records of a date range as NDJSON, CSV or Parquet (see docs/import-export.md)')
    .addOption(dbOption())
    .option('--format <format>', 'ndjson, csv or parquet (default by the --out file name, else ndjson)')
    .option('--from <date>', 'first startTime included, e.g. 2026-11-01 (default: the beginning)')
    .option('--to <date>', 'last startTime included (default: no end)')
    .option('--extension <id|number>', "one extension's log (by id or number), or `company` for the company log")
    .option('--account <id>', 'one account (default: every account)')
    .option('--view <view>', 'Simple or Detailed, for NDJSON (default Detailed)')
    .option('--out <file>', 'file to write, or - for stdout (default -)')
    .option('--base-url <url>', `base URL written into URIs (default ${DEFAULT_BASE_URL})`)
    .action(async (flags: ExportFlags) => {
      process.exitCode = await runExport(flags);
    });

  program
    .command('sync')
    .description("copy a company's call log (and recordings) from RingCentral or a compatible server into --db")
    .addOption(dbOption())
    .option('--from <url>', 'upstream base URL, e.g. https://platform.ringcentral.com (env RINGLOG_SYNC_FROM)')
    .option('--client-id <id>', 'upstream app client id (env RINGLOG_SYNC_CLIENT_ID)')
    .option('--client-secret <secret>', 'upstream app client secret (env RINGLOG_SYNC_CLIENT_SECRET)')
    .option('--jwt <jwt>', "an upstream administrator's JWT credential (env RINGLOG_SYNC_JWT)")
    .option('--config <file>', 'JSON file with any of the settings above (env RINGLOG_SYNC_CONFIG)')
    .option('--since <date>', 'first run: start of the history to copy (default 13 months ago)')
    .option('--lookback <days>', 'later runs: days before the last sync to read again for late changes (default 14)')
    .option('--recordings', 'copy recording audio too')
    .option('--per-page <n>', 'records per upstream request, 1-1000 (default 1000)')
    .option('--verify', 'compare the archive with the upstream per day instead of syncing; exit 1 on differences')
    .option('--date-from <date>', 'with --verify: first day (default 30 days before --date-to)')
    .option('--date-to <date>', 'with --verify: last day (default now)')
    .option('--json', 'print the summary or the verify report as one JSON object')
    .action(async (flags: SyncFlags) => {
      process.exitCode = await runSyncCommand(flags, process.env);
    });

  program.addCommand(reportCommand());

  await program.parseAsync(argv);
}
