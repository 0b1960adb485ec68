/** Providers and routes. */
import { QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useCallback, useState } from 'react';
import { Link, Route, Switch } from 'wouter';
import { AuthGate } from '../auth/auth-gate.tsx';
import { useCan } from '../auth/session.ts';
import { createClient, createQueryClient, TRPCProvider } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { Toaster } from '../ui/toaster.tsx';
import { KeyboardMapDialog, useKeyboardMapKey } from './keyboard-map-dialog.tsx';
import {
  AccountPage,
  AuditLogPage,
  CredentialsPage,
  DashboardPage,
  FlowEditorPage,
  FlowListPage,
  FlowStatsPage,
  RunDetailPage,
  RunHistoryPage,
  TokensPage,
  UpstreamsPage,
  UsersPage,
} from './lazy-pages.ts';
import { LoadBanner } from './load-banner.tsx';
import { PageFallback } from './page-fallback.tsx';
import { TopBar } from './top-bar.tsx';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createClient);

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <AuthGate>
          <Shell />
        </AuthGate>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The signed-in app: top bar, the current page and the `?` keyboard map. */
function Shell() {
  const [keyboardMapOpen, setKeyboardMapOpen] = useState(false);
  const showKeyboardMap = useCallback(() => setKeyboardMapOpen(true), []);
  useKeyboardMapKey(showKeyboardMap);
  return (
    <div className="app">
      <TopBar onShowKeyboardMap={showKeyboardMap} />
      <LoadBanner />
      <main className="app__main">
        <Suspense fallback={<PageFallback />}>
          <AppRoutes />
        </Suspense>
      </main>
      <Toaster />
      <KeyboardMapDialog open={keyboardMapOpen} onClose={() => setKeyboardMapOpen(false)} />
    </div>
  );
}

function AppRoutes() {
  const isAdmin = useCan('admin');
  return (
    <Switch>
      <Route path="/">
        <DashboardPage />
      </Route>
      <Route path="/flows">
        <FlowListPage />
      </Route>
      <Route path="/flows/:id/stats">{({ id }) => <FlowStatsPage key={id} flowId={id} />}</Route>
      <Route path="/flows/:id/runs">{({ id }) => <RunHistoryPage key={id} flowId={id} />}</Route>
      <Route path="/flows/:id">{({ id }) => <FlowEditorPage key={id} flowId={id} />}</Route>
      <Route path="/runs">
        <RunHistoryPage />
      </Route>
      <Route path="/runs/:id">{({ id }) => <RunDetailPage key={id} runId={id} />}</Route>
      <Route path="/upstreams">
        <UpstreamsPage />
      </Route>
      <Route path="/account">
        <AccountPage />
      </Route>
      <Route path="/tokens">
        <TokensPage />
      </Route>
      <Route path="/credentials">
        <CredentialsPage />
      </Route>
      {isAdmin && (
        <Route path="/users">
          <UsersPage />
        </Route>
      )}
      {isAdmin && (
        <Route path="/audit">
          <AuditLogPage />
        </Route>
      )}
      <Route>
        <EmptyState
          title="Page not found"
          action={
            <Link href="/flows" className="btn btn--secondary">
              Back to flows
            </Link>
          }
        />
      </Route>
    </Switch>
  );
}
