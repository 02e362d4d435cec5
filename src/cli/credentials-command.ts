// `ringlog credentials`: an app and JWT/password credentials for an admin and a user, printed for people (with an
// SDK sample) or as one JSON object; demo prints the same after it starts.

import { Command } from 'commander';
import { ensureCredentials, RINGCENTRAL_TOKEN_CONFIG, TokenService, type Credentials } from '../auth/index.ts';
import { openStore } from '../store/index.ts';
import { hostOption, portOption } from './config.ts';
import { dbOption } from './options.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function printCredentials(url: string, c: Credentials): void {
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

/** Makes the demo app and logins if the database has none yet; returns them. */
export async function credentialsOf(db: string): Promise<Credentials> {
  const store = await openStore(db);
  try {
    return await ensureCredentials(store, new TokenService(store, RINGCENTRAL_TOKEN_CONFIG));
  } finally {
    await store.close();
  }
}

export function credentialsCommand(): Command {
  return new Command('credentials')
    .description('print an app and JWT/password credentials for an admin and a user')
    .addOption(dbOption())
    .addOption(hostOption().hideHelp())
    .addOption(portOption().hideHelp())
    .option('--json', 'print one JSON object')
    .action(async (flags: { db: string; host: string; port: number; json?: boolean }) => {
      const credentials = await credentialsOf(flags.db);
      if (flags.json) out(JSON.stringify(credentials));
      else printCredentials(`http://${flags.host}:${flags.port}`, credentials);
    });
}
