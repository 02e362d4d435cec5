// `ringlog app`: registers a third-party app for the authorization code flow (or, by name, replaces its redirect
// URIs) and prints its client id and secret.

import { Command } from 'commander';
import { registerThirdPartyApp, RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../auth/index.ts';
import { openStore } from '../store/index.ts';
import { dbOption } from './options.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

interface AppFlags {
  db: string;
  name: string;
  redirectUri: string[];
  public?: boolean;
  json?: boolean;
}

export function appCommand(): Command {
  return new Command('app')
    .description('register a third-party app for the authorization code flow (create it, or update its redirect URIs)')
    .requiredOption('--name <name>', "the app's name, shown on the consent page; the same name updates the same app")
    .option(
      '--redirect-uri <uri>',
      'where the app receives the code (repeat for several); replaces the registered list',
      (uri: string, list: string[]) => [...list, uri],
      [] as string[],
    )
    .option('--public', 'an app without a client secret (browser or mobile): PKCE is then required')
    .addOption(dbOption())
    .option('--json', 'print one JSON object')
    .action(async (flags: AppFlags) => {
      const store = await openStore(flags.db);
      try {
        const app = await registerThirdPartyApp(store, new TokenService(store, RINGCENTRAL_TOKEN_CONFIG), {
          name: flags.name,
          redirectUris: flags.redirectUri,
          public: flags.public,
        });
        if (flags.json) out(JSON.stringify(app));
        else {
          out(`App "${app.name}"`);
          out(`  clientId      ${app.clientId}`);
          out(`  clientSecret  ${app.clientSecret || '(none: a public app, PKCE required)'}`);
          for (const uri of app.redirectUris) out(`  redirectUri   ${uri}`);
        }
      } finally {
        await store.close();
      }
    });
}
