// Child process of the intake crash test: ingests a deterministic event stream in small batches, up to three at
// once (so they share group commits), and prints `ACK <telephonySessionId> <sequence>` for each event once its
// ingest has resolved (the event is acknowledged).

import { openStore } from '../../src/store/index.ts';
import { createTelephony } from '../../src/telephony/index.ts';
import { trafficCompany, trafficEvents } from './telephony-traffic.ts';

const [location, sessions, seed, batchSeed] = process.argv.slice(2);
const company = trafficCompany();
const events = trafficEvents(company, Number(sessions), Number(seed));
const store = await openStore(location);
const telephony = createTelephony(store);
process.stdout.write('READY\n');
let k = Number(batchSeed);
const inFlight = new Set<Promise<void>>();
for (let i = 0; i < events.length;) {
  k = (k * 1103515245 + 12345) % 2147483648;
  const batch = events.slice(i, i + 1 + (k % 3));
  const sent = telephony.ingest(company.account.id, batch).then(() => {
    process.stdout.write(batch.map((e) => `ACK ${e.telephonySessionId} ${e.sequence}\n`).join(''));
  });
  inFlight.add(sent);
  void sent.finally(() => inFlight.delete(sent));
  if (inFlight.size >= 3) await Promise.race(inFlight);
  i += batch.length;
}
await Promise.all(inFlight);
await telephony.close();
await store.close();
process.stdout.write('DONE\n');
