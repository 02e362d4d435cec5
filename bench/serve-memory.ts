// `ringlog serve`'s memory and rate under the list scenarios, for one or more builds side by side in one run: each
// scenario loads every build in turn (same paths, same warm-up), so a change is compared with its baseline under
// the same machine load. Prints one table row per scenario and build: req/s, p99, the server's CPU time per request
// (user + system, all its threads: steadier than req/s on a loaded machine), peak VmRSS, RssAnon, RssFile.
// `node --import tsx bench/serve-memory.ts [--db FILE] [--seconds S] [--ringlog BIN]...`
// (BIN: a bin/ringlog.js; default this tree's. Build a baseline with `git worktree add` or `git archive` + build.)

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchSeedOptions, ensureSeededDb } from './bench-dataset.ts';
import { runLoad } from './http-load.ts';
import { LIST_SCENARIOS, listPath, pagePicker, readDataset } from './list-scenarios.ts';
import { mib, readMemory, watchMemory } from './process-memory.ts';
import { adminToken, ringlogCredentials, startChild } from './ringlog-cli.ts';

/** CPU time (user + system) a process has used, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    ringlog: { type: 'string', multiple: true },
    only: { type: 'string' },
  },
});
const db = values.db ?? (await ensureSeededDb(benchSeedOptions(1_000_000)));
const seconds = Number(values.seconds);
const bins = values.ringlog ?? [fileURLToPath(new URL('../bin/ringlog.js', import.meta.url))];
const dataset = readDataset(db);
const credentials = await ringlogCredentials(db);
const scenarios = LIST_SCENARIOS.filter((s) => !values.only || s.name.includes(values.only));

const servers = [];
for (const bin of bins) {
  const server = await startChild([bin, 'serve', '--db', db, '--port', '0'], (line) =>
    /^http:\/\/\S+$/.test(line.trim()) ? line.trim() : null,
  );
  const headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
  servers.push({ bin, server, headers });
}
try {
  for (const { bin, server } of servers) {
    const m = readMemory(server.pid)!;
    process.stdout.write(`idle ${bin}: VmRSS ${mib(m.rssKiB)} MiB, anon ${mib(m.anonKiB)}, file ${mib(m.fileKiB)}\n`);
  }
  process.stdout.write(
    '| scenario | build | req/s | p99 ms | CPU ms/request | peak VmRSS MiB | peak RssAnon | peak RssFile |\n',
  );
  for (const [i, s] of scenarios.entries()) {
    for (const { bin, server, headers } of servers) {
      const pick = pagePicker(dataset, s.level, i + 1);
      const nextPath = () => listPath(dataset, s.view, pick(), s.perPage);
      await runLoad({ url: server.url, headers, nextPath, connections: 10, seconds: 2 });
      const memory = watchMemory(server.pid);
      const cpuBefore = cpuMs(server.pid);
      const load = await runLoad({ url: server.url, headers, nextPath, connections: 10, seconds });
      const cpuPerRequest = (cpuMs(server.pid) - cpuBefore) / Math.max(1, load.requests);
      memory.stop();
      const row = [s.name, bin, load.requestsPerSecond.toFixed(0), load.p99Ms, cpuPerRequest.toFixed(2)];
      row.push(mib(memory.peakKiB()));
      row.push(mib(memory.peakAnonKiB()), mib(memory.peakFileKiB()));
      if (load.failures) row.push(`${load.failures} failed`);
      process.stdout.write(`| ${row.join(' | ')} |\n`);
    }
  }
  for (const { bin, server } of servers) {
    const m = readMemory(server.pid)!;
    process.stdout.write(`end ${bin}: VmRSS ${mib(m.rssKiB)} MiB (VmHWM ${mib(m.hwmKiB)}), anon ${mib(m.anonKiB)}\n`);
  }
} finally {
  await Promise.all(servers.map((s) => s.server.stop()));
}
