// The web app's shell: sign-in (and its callback), the navigation between the pages, sign-out.

import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { rememberedMe, whoAmI, type Me } from './api.ts';
import {
  completeSignIn,
  endedSessionMessage,
  hasSession,
  REDIRECT_PATH,
  SessionEnded,
  sessionOwner,
  signIn,
  signOut,
} from './auth.ts';
import { ActivityLog } from './pages/activity-log.tsx';
import { Dashboards } from './pages/dashboards.tsx';
import { Live } from './pages/live.tsx';
import { navigate, useLocation } from './router.ts';
import { SessionContext, type Session } from './session.ts';
import './styles.css';

const PAGES = [
  { path: '/', title: 'Activity log' },
  { path: '/recordings', title: 'Recordings' },
  { path: '/live', title: 'Live' },
  { path: '/dashboards', title: 'Dashboards' },
];

type State = { kind: 'loading' } | { kind: 'signed-out'; message: string } | { kind: 'signed-in'; me: Me };

/**
 * The first state: a session known from the last visit shows its page at once, so the page's own requests start in
 * the first render's effects (who signed in is checked meanwhile); otherwise loading until the session is checked.
 */
function initialState(): State {
  if (location.pathname === REDIRECT_PATH) return { kind: 'loading' };
  if (!hasSession()) return { kind: 'signed-out', message: endedSessionMessage() };
  const remembered = rememberedMe(sessionOwner());
  return remembered ? { kind: 'signed-in', me: remembered } : { kind: 'loading' };
}

function SignIn({ message }: { message: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in" aria-labelledby="sign-in-title">
      <div class="brand">ringlog</div>
      <h1 id="sign-in-title">Call log</h1>
      {message && (
        <p class="notice" role="alert">
          {message}
        </p>
      )}
      <p class="muted">Sign in with your phone number, extension and password.</p>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          const returnTo = location.pathname === REDIRECT_PATH ? '/' : location.pathname + location.search;
          void signIn(returnTo);
        }}
      >
        Sign in
      </button>
    </main>
  );
}

function App() {
  const place = useLocation();
  const [state, setState] = useState<State>(initialState);

  useEffect(() => {
    const start = async () => {
      if (location.pathname === REDIRECT_PATH)
        navigate(await completeSignIn(new URLSearchParams(location.search)), true);
      if (!hasSession()) return setState((current) => (current.kind === 'signed-out' ? current : initialState()));
      // Known from the last visit: the page shows (after a sign-in it shows now); check who it is meanwhile.
      const remembered = rememberedMe(sessionOwner());
      if (remembered)
        setState((current) => (current.kind === 'signed-in' ? current : { kind: 'signed-in', me: remembered }));
      const me = await whoAmI();
      if (JSON.stringify(me) !== JSON.stringify(remembered)) setState({ kind: 'signed-in', me });
    };
    start().catch((err: Error) => {
      setState({
        kind: 'signed-out',
        message: err instanceof SessionEnded ? err.message : `Cannot sign in: ${err.message}`,
      });
    });
  }, []);

  const session = useMemo<Session | null>(
    () =>
      state.kind === 'signed-in'
        ? { me: state.me, end: (message: string) => setState({ kind: 'signed-out', message }) }
        : null,
    [state],
  );
  useEffect(() => {
    const page = PAGES.find((p) => p.path === place.path);
    document.title = `${page?.title ?? 'Call log'} · ringlog`;
  }, [place.path]);

  if (state.kind === 'loading') return <p class="muted loading">Loading…</p>;
  if (state.kind === 'signed-out') return <SignIn message={state.message} />;
  const { me } = state;
  let page;
  if (place.path === '/recordings') page = <ActivityLog place={place} recordingsOnly />;
  else if (place.path === '/live') page = <Live />;
  else if (place.path === '/dashboards') page = <Dashboards place={place} />;
  else page = <ActivityLog place={place} />;

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">ringlog</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a
                  href={p.path}
                  aria-current={place.path === p.path ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(p.path);
                  }}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.name}{' '}
            <span class="muted">
              ext. {me.extensionNumber}
              {me.isAdmin ? ' · admin' : ''}
            </span>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              void signOut().then(() => setState({ kind: 'signed-out', message: 'You have signed out.' }));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{page}</main>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
