/**
 * A compact bar over the editor canvas for the run it shows: started here and followed live, or
 * the flow's last run. Status, elapsed time, a link to the run's page, and Dismiss, which clears
 * the run from the canvas and the inspector.
 */
import { Link } from 'wouter';
import type { RunDetail } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import { XIcon } from '../ui/icons.tsx';
import { RelativeTime } from '../ui/relative-time.tsx';
import { isActiveRun, StatusBadge } from '../ui/status-badge.tsx';
import { useNow } from '../ui/use-now.ts';
import {
  selectShownRun,
  selectShownRunKind,
  useEditorRunStore,
} from './run-data/editor-run-store.ts';

function Elapsed({ run }: { run: RunDetail }) {
  const active = isActiveRun(run.status);
  // Ticks only while the run goes on.
  const now = useNow(active ? 1_000 : 60_000);
  const elapsed =
    run.durationMs ?? (run.startedAt && active ? now - Date.parse(run.startedAt) : null);
  return (
    <span className="run-bar__elapsed mono" data-testid="run-bar-elapsed">
      {formatDuration(elapsed)}
    </span>
  );
}

export function RunBar() {
  const run = useEditorRunStore(selectShownRun);
  const kind = useEditorRunStore(selectShownRunKind);
  const dismiss = useEditorRunStore((s) => s.dismiss);
  if (!run || !kind) return null;
  return (
    <section
      className={`run-bar run-bar--${kind}`}
      aria-label={kind === 'live' ? 'This run' : 'Last run'}
      data-testid="run-bar"
      data-kind={kind}
      data-run-id={run.id}
    >
      <span className="run-bar__label">{kind === 'live' ? 'Run' : 'Last run'}</span>
      <StatusBadge status={run.status} compact testId="run-bar-status" />
      <Elapsed run={run} />
      {kind === 'last' && (
        <span className="run-bar__when small">
          <RelativeTime iso={run.createdAt} />
        </span>
      )}
      <Link href={`/runs/${run.id}`} className="run-bar__link" data-testid="run-bar-open">
        Open run
      </Link>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss the run from the canvas"
        title="Dismiss"
        data-testid="run-bar-dismiss"
        onClick={dismiss}
      >
        <XIcon size={14} />
      </button>
    </section>
  );
}
