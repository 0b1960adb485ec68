/**
 * The status line under a node card on a canvas (run view or editor): status badge, reused,
 * attempts past the first, and the duration or, while waiting, when the next attempt is due.
 */
import { Countdown } from '../ui/countdown.tsx';
import { formatDuration } from '../ui/format.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import type { NodeRunStatus } from './step-grouping.ts';

export function NodeRunStatusLine({
  nodeId,
  status,
  attempts,
  durationMs,
  nextAttemptAt,
  reused,
  note,
}: {
  nodeId: string;
  status: NodeRunStatus;
  attempts: number;
  durationMs: number | null;
  nextAttemptAt: string | null;
  reused: boolean;
  /** Shown first, e.g. "last run" in the editor. */
  note?: string | undefined;
}) {
  return (
    <div className="run-node__status">
      {note && <span className="run-node__meta run-node__meta--note">{note}</span>}
      <StatusBadge status={status} compact testId={`node-status-${nodeId}`} />
      {reused && <span className="run-node__meta">reused</span>}
      {attempts > 1 && (
        <span className="run-node__meta" data-testid={`node-attempts-${nodeId}`}>
          {attempts} attempts
        </span>
      )}
      {status === 'waiting' && nextAttemptAt ? (
        <span className="run-node__meta run-node__meta--waiting">
          <Countdown until={nextAttemptAt} />
        </span>
      ) : (
        durationMs !== null && <span className="run-node__meta">{formatDuration(durationMs)}</span>
      )}
    </div>
  );
}
