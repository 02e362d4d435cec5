// `ringlog` as bin/ringlog.js runs it, but from today's source (src/cli through tsx) instead of a built dist/:
// tests start this file (see ringlog-cli.ts) so no test can pass or fail on a stale build.
import { main } from '../../src/cli/index.ts';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`ringlog: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
