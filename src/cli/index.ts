// The `ringlog` command: each subcommand declares and reads its own options (see the *-command.ts files).

import { Command } from 'commander';

/**
 * Each command's module, loaded only when that command runs (all of them for the help): what a module loads stays
 * in the process, and `serve`'s main thread, which only parses options and then waits while the server runs on its
 * thread, held the whole CLI's 50 MiB (store, API, generator) for nothing (docs/benchmarks.md, issue 16).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./server-commands.ts')).serveCommand(),
  demo: async () => (await import('./server-commands.ts')).demoCommand(),
  seed: async () => (await import('./seed-command.ts')).seedCommand(),
  credentials: async () => (await import('./credentials-command.ts')).credentialsCommand(),
  app: async () => (await import('./app-command.ts')).appCommand(),
  import: async () => (await import('./import-command.ts')).importCommand(),
  export: async () => (await import('./export-command.ts')).exportCommand(),
  sync: async () => (await import('./sync-command.ts')).syncCommand(),
  report: async () => (await import('./report-command.ts')).reportCommand(),
};

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ringlog')
    .description("A self-hosted Call Log service that speaks RingCentral's Call Log API")
    .showHelpAfterError();
  // argv[2] is the command's name (ringlog has no options of its own); anything else (--help, help, a typo) gets
  // every command, for the help or the "unknown command" error and its suggestion.
  const name = argv[2];
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  for (const command of await Promise.all(names.map((n) => COMMANDS[n]()))) program.addCommand(command);
  await program.parseAsync(argv);
}
