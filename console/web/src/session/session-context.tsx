import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CurrentUser } from '@dlp/shared';
import { isUnreachable, useApi } from '../api';

/**
 * checking: asking the console who we are; unreachable: the console did not answer;
 * signed-out: show the sign-in page (`expired` when the console ended the session); signed-in.
 */
export type SessionState =
  | { status: 'checking' }
  | { status: 'unreachable' }
  | { status: 'signed-out'; expired: boolean }
  | { status: 'signed-in'; user: CurrentUser };

export interface Session {
  state: SessionState;
  /** After a successful sign-in. */
  signedIn(user: CurrentUser): void;
  /** Signs out at the console; rejects (and stays signed in) if the console could not be told. */
  signOut(): Promise<void>;
  /** Asks the console again (after "unreachable"). */
  recheck(): void;
}

const SessionContext = createContext<Session | null>(null);

/** Owns who is signed in; a 401 from any request ends the session in the UI too. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [checkRound, setCheckRound] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.auth.currentUser().then(
      (user) => {
        if (!cancelled) setState(user ? { status: 'signed-in', user } : { status: 'signed-out', expired: false });
      },
      (error: unknown) => {
        if (cancelled) return;
        setState(isUnreachable(error) ? { status: 'unreachable' } : { status: 'signed-out', expired: false });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, checkRound]);

  useEffect(
    () =>
      api.onUnauthorized(() => {
        setState((previous) => (previous.status === 'signed-in' ? { status: 'signed-out', expired: true } : previous));
      }),
    [api],
  );

  const signedIn = useCallback((user: CurrentUser) => setState({ status: 'signed-in', user }), []);
  const signOut = useCallback(async () => {
    await api.auth.logout();
    setState({ status: 'signed-out', expired: false });
  }, [api]);
  const recheck = useCallback(() => {
    setState({ status: 'checking' });
    setCheckRound((round) => round + 1);
  }, []);

  const value = useMemo<Session>(() => ({ state, signedIn, signOut, recheck }), [state, signedIn, signOut, recheck]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only valid under `SessionProvider`. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside SessionProvider');
  return session;
}

/** The signed-in user; only call from pages shown to signed-in users. */
export function useCurrentUser(): CurrentUser | null {
  const { state } = useSession();
  return state.status === 'signed-in' ? state.user : null;
}
