/**
 * Decides what the visitor sees: the public setup and invitation pages, the sign-in page, or the
 * app with the signed-in user in context. A request that finds the session gone (expired, signed
 * out elsewhere) refreshes `auth.me`, which brings the sign-in page back.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useLocation } from 'wouter';
import { errorCode, errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { AuthLayout } from './auth-layout.tsx';
import { InvitePage } from './invite-page.tsx';
import { SessionContext } from './session.ts';
import { SetupNeeded, SetupPage } from './setup-page.tsx';
import { SignInPage } from './sign-in-page.tsx';

export function AuthGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const [location] = useLocation();
  const publicPage = location === '/setup' || location === '/invite';
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, {
      retry: false,
      staleTime: 60_000,
      enabled: !publicPage,
    }),
  );
  const signedOut = me.isError && errorCode(me.error) === 'UNAUTHORIZED';
  const setup = useQuery(
    trpc.auth.setupStatus.queryOptions(undefined, { enabled: signedOut, retry: false }),
  );

  if (location === '/setup') return <SetupPage />;
  if (location === '/invite') return <InvitePage />;
  if (me.isPending || (signedOut && setup.isPending)) {
    return <div className="page-loading">Loading…</div>;
  }
  if (me.isError && !signedOut) {
    return (
      <AuthLayout title="Patchbay is not reachable" testId="api-unreachable">
        <p className="form-error">{errorMessage(me.error)}</p>
        <button type="button" className="btn btn--secondary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </AuthLayout>
    );
  }
  if (signedOut) return setup.data?.setupRequired ? <SetupNeeded /> : <SignInPage />;
  return <SessionContext.Provider value={me.data ?? null}>{children}</SessionContext.Provider>;
}
