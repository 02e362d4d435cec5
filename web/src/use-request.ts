// Loads data for a page: re-runs when `key` changes, cancels the previous load, and turns an ended session into the
// sign-in screen. Errors are kept for the page to show. The request starts as soon as the page is rendered (a layout
// effect), not a frame later.

import { useLayoutEffect, useState } from 'preact/hooks';
import { SessionEnded } from './auth.ts';
import { useSession } from './session.ts';

export interface RequestState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

export function useRequest<T>(key: string, load: (signal: AbortSignal) => Promise<T>): RequestState<T> {
  const session = useSession();
  const [state, setState] = useState<RequestState<T>>({ data: undefined, error: undefined, loading: true });
  useLayoutEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: Error) => {
        if (controller.signal.aborted) return;
        if (error instanceof SessionEnded) session.end(error.message);
        else setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key]);
  return state;
}
