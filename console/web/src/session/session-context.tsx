import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CurrentUser } from '@dlp/shared';
import { isUnreachable, useApi, type SignedInUser } from '../api';

/**
 * checking: asking the console who we are; unreachable: the console did not answer;
 * signed-out: show the sign-in page (`expired` when the console ended the session); signed-in
 * (`mustChangePassword`: only the change-password screen until a new password is set).
 */
export type SessionState =
  | { status: 'checking' }
  | { status: 'unreachable' }
  | { status: 'signed-out'; expired: boolean }
  | { status: 'signed-in'; user: CurrentUser; mustChangePassword: boolean };

export interface Session {
  state: SessionState;
  /** After a successful sign-in. */
  signedIn(signedIn: SignedInUser): void;
  /** After the user set a new password: the console opens every route again. */
  passwordChanged(): void;
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
        if (!cancelled) setState(user ? { status: 'signed-in', ...user } : { status: 'signed-out', expired: false });
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

  useEffect(
    () =>
      // An admin reset the password, or it aged past the console's limit, while the page was open.
      api.onPasswordExpired(() => {
        setState((previous) => (previous.status === 'signed-in' ? { ...previous, mustChangePassword: true } : previous));
      }),
    [api],
  );

  const signedIn = useCallback((user: SignedInUser) => setState({ status: 'signed-in', ...user }), []);
  const passwordChanged = useCallback(() => {
    setState((previous) => (previous.status === 'signed-in' ? { ...previous, mustChangePassword: false } : previous));
  }, []);
  const signOut = useCallback(async () => {
    await api.auth.logout();
    setState({ status: 'signed-out', expired: false });
  }, [api]);
  const recheck = useCallback(() => {
    setState({ status: 'checking' });
    setCheckRound((round) => round + 1);
  }, []);

  const value = useMemo<Session>(() => ({ state, signedIn, passwordChanged, signOut, recheck }), [state, signedIn, passwordChanged, signOut, recheck]);
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
