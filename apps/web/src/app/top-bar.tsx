/** Product name, primary navigation and API health. */
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { LogoIcon } from '../ui/icons.tsx';
import {
  CredentialsPage,
  DashboardPage,
  FlowListPage,
  RunHistoryPage,
  UpstreamsPage,
} from './lazy-pages.ts';
import { UserMenu } from './user-menu.tsx';

/** Starts loading a page's chunk when its link is hovered or focused, before the click. */
const preloadOn = (page: { preload: () => Promise<unknown> }) => ({
  onMouseEnter: () => void page.preload(),
  onFocus: () => void page.preload(),
});

async function fetchHealth(): Promise<boolean> {
  const response = await fetch('/healthz');
  return response.ok;
}

function ApiStatus() {
  const health = useQuery({
    queryKey: ['healthz'],
    queryFn: fetchHealth,
    refetchInterval: 15_000,
    retry: false,
  });
  const ok = health.data === true;
  const label = health.isPending ? 'Connecting…' : ok ? 'API online' : 'API unreachable';
  return (
    <span
      className={`api-status${ok ? ' is-ok' : health.isPending ? '' : ' is-down'}`}
      data-testid="api-status"
    >
      <span className="api-status__dot" />
      {label}
    </span>
  );
}

export function TopBar({ onShowKeyboardMap }: { onShowKeyboardMap: () => void }) {
  const [location] = useLocation();
  const inRuns = location.startsWith('/runs');
  const inUpstreams = location.startsWith('/upstreams');
  const inCredentials = location.startsWith('/credentials');
  const inDashboard = location === '/';
  const inFlows = location.startsWith('/flows');
  return (
    <header className="topbar">
      <Link href="/" className="topbar__brand" data-testid="nav-home">
        <span className="topbar__logo">
          <LogoIcon size={16} />
        </span>
        Patchbay
      </Link>
      <nav className="topbar__nav" aria-label="Primary">
        <Link
          href="/"
          className={`topbar__link${inDashboard ? ' is-active' : ''}`}
          data-testid="nav-dashboard"
          {...preloadOn(DashboardPage)}
        >
          Dashboard
        </Link>
        <Link
          href="/flows"
          className={`topbar__link${inFlows ? ' is-active' : ''}`}
          data-testid="nav-flows"
          {...preloadOn(FlowListPage)}
        >
          Flows
        </Link>
        <Link
          href="/runs"
          className={`topbar__link${inRuns ? ' is-active' : ''}`}
          data-testid="nav-runs"
          {...preloadOn(RunHistoryPage)}
        >
          Runs
        </Link>
        <Link
          href="/upstreams"
          className={`topbar__link${inUpstreams ? ' is-active' : ''}`}
          data-testid="nav-upstreams"
          {...preloadOn(UpstreamsPage)}
        >
          Upstreams
        </Link>
        <Link
          href="/credentials"
          className={`topbar__link${inCredentials ? ' is-active' : ''}`}
          data-testid="nav-credentials-top"
          {...preloadOn(CredentialsPage)}
        >
          Credentials
        </Link>
      </nav>
      <div className="topbar__spacer" />
      <ApiStatus />
      <UserMenu onShowKeyboardMap={onShowKeyboardMap} />
    </header>
  );
}
