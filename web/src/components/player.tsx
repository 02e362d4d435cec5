// A recording: an HTML5 audio element on the content URL (seeking uses HTTP Range), and a download link.

import { useEffect, useState } from 'preact/hooks';
import { accessToken, SessionEnded } from '../auth.ts';
import { recordingContentUrl } from '../api.ts';
import { useSession } from '../session.ts';

export function Player({ recordingId, label }: { recordingId: string; label: string }) {
  const session = useSession();
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => {
    accessToken().then(setToken, (err: Error) => {
      if (err instanceof SessionEnded) session.end(err.message);
    });
  }, [recordingId]);
  if (!token) return <p class="muted">Loading the recording…</p>;
  return (
    <div class="player">
      <audio
        controls
        preload="metadata"
        src={recordingContentUrl(recordingId, token, 'Inline')}
        aria-label={`Recording of ${label}`}
        data-recording-id={recordingId}
      />
      <a
        class="button secondary"
        href={recordingContentUrl(recordingId, token, 'Attachment')}
        download={`${recordingId}.mp3`}
      >
        Download
      </a>
    </div>
  );
}
