// One call in detail: its summary, its legs as a timeline (who rang, queue hunting, who answered, transfers,
// voicemail) and its recording. Opened from the table; the URL's `record` parameter keeps it open on reload.

import { useEffect, useRef } from 'preact/hooks';
import { callLogPath, get, type CallRecord, type Leg } from '../api.ts';
import { formatDateTime, formatDuration, formatParty } from '../format.ts';
import { useRequest } from '../use-request.ts';
import { Player } from './player.tsx';

interface Step {
  tag: string;
  tone: 'ok' | 'bad' | 'info';
  text: string;
}

/** What a leg means to a person reading the call's story. */
function describe(leg: Leg): Step {
  const from = formatParty(leg.from) || 'unknown caller';
  const to = formatParty(leg.to) || 'unknown';
  const result = leg.result;
  if (result === 'Voicemail') return { tag: 'Voicemail', tone: 'info', text: `${from} left a voicemail for ${to}` };
  if (leg.legType === 'TransferCall' || leg.action === 'Transfer') {
    return { tag: 'Transfer', tone: 'info', text: `Transferred to ${to} (${result})` };
  }
  if (leg.legType === 'Hunting') {
    const answered = result === 'Accepted' || result === 'Call connected';
    return { tag: answered ? 'Answered' : 'Queue', tone: answered ? 'ok' : 'bad', text: `Queue rang ${to}: ${result}` };
  }
  if (leg.legType === 'PstnToSip') {
    return { tag: 'Reached', tone: 'info', text: `The call reached ${to} from the phone network` };
  }
  if (leg.legType.startsWith('SipToPstn')) {
    return { tag: 'Dialed out', tone: 'info', text: `${from} dialed ${to} over the phone network: ${result}` };
  }
  if (leg.master) return { tag: 'Rang', tone: 'info', text: `${from} called ${to} (${leg.direction}): ${result}` };
  if (result === 'Accepted' || result === 'Call connected') {
    return { tag: 'Answered', tone: 'ok', text: `${to} answered` };
  }
  if (['Missed', 'No Answer', 'Abandoned', 'Rejected', 'Busy', 'Hang Up'].includes(result)) {
    return { tag: result, tone: 'bad', text: `${to}: ${result}` };
  }
  return { tag: leg.legType || leg.action, tone: 'info', text: `${from} → ${to}: ${result}` };
}

export function Timeline({ record }: { record: CallRecord }) {
  const legs = record.legs ?? [];
  if (!legs.length) return <p class="muted">This record has no legs.</p>;
  const start = Date.parse(record.startTime);
  const end = Math.max(start + record.duration * 1000, ...legs.map((l) => Date.parse(l.startTime) + l.duration * 1000));
  const span = Math.max(end - start, 1000);
  return (
    <ol class="timeline" aria-label="Call legs in order">
      {legs.map((leg, i) => {
        const step = describe(leg);
        const offset = Date.parse(leg.startTime) - start;
        const left = (100 * Math.max(0, offset)) / span;
        const width = Math.max(1.5, (100 * leg.duration * 1000) / span);
        return (
          <li key={i} class="leg">
            <div class="leg-text">
              <span class={`tag ${step.tone}`}>{step.tag}</span> {step.text}
              <span class="muted">
                {' '}
                · +{formatDuration(offset / 1000)} for {formatDuration(leg.duration)} · {leg.legType} · {leg.action}
                {leg.reason ? ` · ${leg.reason}` : ''}
              </span>
            </div>
            <div class="leg-track" aria-hidden="true">
              <div
                class={`leg-bar ${step.tone}`}
                style={{ left: `${Math.min(left, 98)}%`, width: `${Math.min(width, 100 - Math.min(left, 98))}%` }}
              />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function RecordDialog({ log, id, onClose }: { log: string; id: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const state = useRequest(`${log}/${id}`, (signal) =>
    get<CallRecord>(`${callLogPath(log)}/${encodeURIComponent(id)}`, new URLSearchParams({ view: 'Detailed' }), signal),
  );
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  const r = state.data;
  const title = r ? `${r.direction} call, ${formatDateTime(r.startTime)}` : 'Call';
  return (
    <dialog ref={dialog} class="record-dialog" aria-labelledby="record-title" onClose={onClose}>
      <header class="dialog-head">
        <h2 id="record-title">{title}</h2>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()} aria-label="Close details">
          Close
        </button>
      </header>
      {state.error && (
        <p class="error" role="alert">
          {state.error.message}
        </p>
      )}
      {!r && !state.error && <p class="muted">Loading…</p>}
      {r && (
        <>
          <dl class="facts">
            <dt>From</dt>
            <dd>{formatParty(r.from)}</dd>
            <dt>To</dt>
            <dd>{formatParty(r.to)}</dd>
            <dt>Result</dt>
            <dd>
              {r.result}
              {r.reason && r.reason !== r.result ? ` (${r.reason})` : ''}
            </dd>
            <dt>Duration</dt>
            <dd>{formatDuration(r.duration)}</dd>
            <dt>Type</dt>
            <dd>
              {r.type} · {r.action}
              {r.transport ? ` · ${r.transport}` : ''}
            </dd>
            <dt>Session</dt>
            <dd>{r.sessionId}</dd>
            <dt>Record id</dt>
            <dd>{r.id}</dd>
          </dl>
          {r.recording && (
            <section aria-label="Recording">
              <h3>Recording</h3>
              <Player recordingId={r.recording.id} label={title} />
            </section>
          )}
          <section>
            <h3>How the call went</h3>
            <Timeline record={r} />
          </section>
        </>
      )}
    </dialog>
  );
}
