// The signed-in state shared by the pages: who is signed in, and how a page reports that the session has ended.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api.ts';

export interface Session {
  me: Me;
  /** Ends the session in the UI: back to the sign-in screen with this message. */
  end(message: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}
