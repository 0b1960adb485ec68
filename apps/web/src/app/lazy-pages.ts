/**
 * Every page is a chunk of its own, loaded when its route first renders (or earlier, when a nav
 * link is hovered): the editor's canvas and the dashboard's charts stay out of the first load.
 */
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

// biome-ignore lint/suspicious/noExplicitAny: React.lazy's own constraint, props are kept by T.
type LazyPage<T extends ComponentType<any>> = LazyExoticComponent<T> & {
  /** Starts loading the page's chunk; harmless to call again. */
  preload: () => Promise<unknown>;
};

// biome-ignore lint/suspicious/noExplicitAny: see LazyPage.
function lazyPage<T extends ComponentType<any>>(load: () => Promise<T>): LazyPage<T> {
  let loading: Promise<T> | undefined;
  const preload = () => {
    loading ??= load();
    return loading;
  };
  return Object.assign(
    lazy(() => preload().then((page) => ({ default: page }))),
    { preload },
  );
}

export const DashboardPage = lazyPage(() =>
  import('../pages/dashboard-page.tsx').then((m) => m.DashboardPage),
);
export const FlowListPage = lazyPage(() =>
  import('../pages/flow-list-page.tsx').then((m) => m.FlowListPage),
);
export const FlowEditorPage = lazyPage(() =>
  import('../pages/flow-editor-page.tsx').then((m) => m.FlowEditorPage),
);
export const FlowStatsPage = lazyPage(() =>
  import('../pages/flow-stats-page.tsx').then((m) => m.FlowStatsPage),
);
export const RunHistoryPage = lazyPage(() =>
  import('../pages/run-history-page.tsx').then((m) => m.RunHistoryPage),
);
export const RunDetailPage = lazyPage(() =>
  import('../pages/run-detail-page.tsx').then((m) => m.RunDetailPage),
);
export const UpstreamsPage = lazyPage(() =>
  import('../pages/upstreams-page.tsx').then((m) => m.UpstreamsPage),
);
export const CredentialsPage = lazyPage(() =>
  import('../pages/credentials-page.tsx').then((m) => m.CredentialsPage),
);
export const AccountPage = lazyPage(() =>
  import('../pages/account-page.tsx').then((m) => m.AccountPage),
);
export const TokensPage = lazyPage(() =>
  import('../pages/tokens-page.tsx').then((m) => m.TokensPage),
);
export const UsersPage = lazyPage(() => import('../pages/users-page.tsx').then((m) => m.UsersPage));
export const AuditLogPage = lazyPage(() =>
  import('../pages/audit-log-page.tsx').then((m) => m.AuditLogPage),
);
