// Calls in progress, from the active-calls API (RingCentral's CallLogResponse of Simple records, result
// 'In Progress'), polled every few seconds; durations tick locally between polls.

import { useEffect, useState } from 'preact/hooks';
import { activeCallsPath, ApiFailure, get, Unavailable, type CallLogPage, type CallRecord } from '../api.ts';
import { SessionEnded } from '../auth.ts';
import { formatDuration, formatParty, formatTime } from '../format.ts';
import { useSession } from '../session.ts';

const POLL_MS = 3000;

/** Active-call lists also hold calls ended in the last two minutes, with their final result. */
const inProgress = (c: CallRecord) => c.result === 'In Progress';

export function Live() {
  const session = useSession();
  const log = session.me.isAdmin ? 'company' : '~';
  const [calls, setCalls] = useState<CallRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [updated, setUpdated] = useState<number | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const body = await get<CallLogPage>(
          activeCallsPath(log),
          new URLSearchParams({ view: 'Simple', perPage: '1000' }),
        );
        if (stopped) return;
        setCalls(body.records);
        setError(null);
        setUpdated(Date.now());
      } catch (err) {
        if (stopped) return;
        if (err instanceof SessionEnded) return session.end(err.message);
        if (err instanceof Unavailable) return setUnavailable(true);
        const message = (err as Error).message;
        // 503: the server has the API but cannot answer it now (e.g. no live-call source yet); keep trying.
        setError(
          err instanceof ApiFailure && err.status === 503
            ? `Live calls are unavailable right now (${message}). Retrying…`
            : message,
        );
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [log]);

  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">Live calls</h1>
        {updated && (
          <span class="muted">Updated {formatTime(new Date(updated).toISOString())} · refreshes every 3 s</span>
        )}
      </div>
      {unavailable ? (
        <p class="notice" role="status">
          Live calls are unavailable on this server: it does not offer the active-calls API (
          <code>GET /restapi/v1.0/account/~/active-calls</code>).
        </p>
      ) : (
        <>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <p class="sr-only" aria-live="polite">
            {calls ? `${calls.filter(inProgress).length} calls in progress` : ''}
          </p>
          <div class="table-wrap" hidden={!calls && !!error}>
            <table class="calls">
              <caption class="sr-only">Calls in progress</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Direction</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {(calls ?? []).map((c) => (
                  <tr key={c.id} data-session-id={c.sessionId}>
                    <td>{formatTime(c.startTime)}</td>
                    <td>{c.direction}</td>
                    <td>{formatParty(c.from)}</td>
                    <td>{formatParty(c.to)}</td>
                    <td>
                      {inProgress(c) ? (
                        <span class="tag ok">{c.result}</span>
                      ) : (
                        <span class="tag info">Ended · {c.result}</span>
                      )}
                    </td>
                    <td class="num">
                      {formatDuration(inProgress(c) ? (now - Date.parse(c.startTime)) / 1000 : c.duration)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {calls && calls.length === 0 && <p class="empty">No calls in progress right now.</p>}
            {!calls && !error && <p class="empty">Loading…</p>}
          </div>
        </>
      )}
    </section>
  );
}
