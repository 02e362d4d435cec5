// `ringlog serve` and `ringlog demo`: the server's options (config.ts) and the live simulated traffic's. What demo
// does before it serves (demo.ts, credentials-command.ts) is loaded by its action only: `serve`'s main thread
// loads no store (index.ts).

import { Command, Option } from 'commander';
import { serverConfig, serverOptions, type ServerFlags } from './config.ts';
import { parsedBy, positiveNumber, wholeNumber } from './options.ts';
import { serve } from './serve.ts';
import type { SimulateConfig } from './simulation.ts';

interface SimulateFlags {
  simulateSpeed: number;
  simulateSeed: number;
}

function simulateOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--simulate-speed <x>', 'simulated seconds per second of the live traffic (1: real time)')
        .argParser(parsedBy(positiveNumber))
        .default(1),
    )
    .addOption(
      new Option('--simulate-seed <n>', 'random seed of the simulated traffic')
        .argParser(parsedBy(wholeNumber()))
        .default(1),
    );
}

function simulateConfig(flags: SimulateFlags, callsPerMinute: number, shape: SimulateConfig['shape']): SimulateConfig {
  return { callsPerMinute, shape, seed: flags.simulateSeed, speed: flags.simulateSpeed };
}

export function serveCommand(): Command {
  const cmd = serverOptions(new Command('serve').description('serve the call-log API'), {
    rateLimits: 'off',
    retention: 'archive',
  }).addOption(
    new Option('--simulate <n>', 'run N simulated calls per minute through the live path').argParser(
      parsedBy(positiveNumber),
    ),
  );
  return simulateOptions(cmd).action(async (flags: ServerFlags & SimulateFlags & { simulate?: number }) => {
    const config = serverConfig(flags);
    if (flags.simulate !== undefined) config.simulate = simulateConfig(flags, flags.simulate, 'flat');
    await serve(config);
  });
}

type DemoFlags = ServerFlags & SimulateFlags & { callsPerMinute?: number; live: boolean };

export function demoCommand(): Command {
  const cmd = serverOptions(
    new Command('demo').description('seed a 30-day company if empty, serve it with live calls, print credentials'),
    { rateLimits: 'ringcentral', retention: 'ringcentral' },
  )
    .addOption(
      new Option(
        '--calls-per-minute <n>',
        'live calls started per minute at the busiest hour (default: suits the company)',
      ).argParser(parsedBy(positiveNumber)),
    )
    .option('--no-live', 'no live simulated traffic');
  return simulateOptions(cmd).action(async (flags: DemoFlags) => {
    const config = serverConfig(flags);
    const { prepareDemo } = await import('./demo.ts');
    const { credentialsOf, printCredentials } = await import('./credentials-command.ts');
    const suited = await prepareDemo(config.db);
    if (flags.live) config.simulate = simulateConfig(flags, flags.callsPerMinute ?? suited, 'business-hours');
    const credentials = await credentialsOf(config.db);
    await serve(config, (url) => printCredentials(url, credentials));
  });
}
