#!/usr/bin/env node
// Entry point of the `ringlog` command: runs the compiled CLI (built by `npm install` through `prepare`).
import { main } from '../dist/cli/index.js';

main(process.argv).catch((err) => {
  process.stderr.write(`ringlog: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
