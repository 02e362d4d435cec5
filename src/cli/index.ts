// The `ringlog` command: each subcommand declares and reads its own options (see the *-command.ts files).

import { Command } from 'commander';
import { appCommand } from './app-command.ts';
import { credentialsCommand } from './credentials-command.ts';
import { exportCommand } from './export-command.ts';
import { importCommand } from './import-command.ts';
import { reportCommand } from './report-command.ts';
import { seedCommand } from './seed-command.ts';
import { serverCommands } from './server-commands.ts';
import { syncCommand } from './sync-command.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ringlog')
    .description("A self-hosted Call Log service that speaks RingCentral's Call Log API")
    .showHelpAfterError();
  for (const command of [
    ...serverCommands(),
    seedCommand(),
    credentialsCommand(),
    appCommand(),
    importCommand(),
    exportCommand(),
    syncCommand(),
    reportCommand(),
  ]) {
    program.addCommand(command);
  }
  await program.parseAsync(argv);
}
