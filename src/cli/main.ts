// Runs the `ringlog` command with this process's arguments; an error ends it with its message, not a stack trace.

import { main } from './index.ts';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`ringlog: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
