/**
 * The inspector's "Last run" section: the selected node's latest attempt in the run the editor
 * shows (live or the flow's last): status, duration, attempts, error, and its input and output
 * as trees whose lines drag as expression paths; the trigger input on the trigger node.
 */
import type { ComponentProps } from 'react';
import { Link } from 'wouter';
import { RunValue } from '../runs/run-value.tsx';
import { formatDuration } from '../ui/format.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import {
  selectNodeRun,
  selectShownRun,
  selectShownRunKind,
  useEditorRunStore,
} from './run-data/editor-run-store.ts';
import { nodeOutputRoot } from './run-data/expression-path.ts';

export function NodeLastRunSection({ nodeId, isTrigger }: { nodeId: string; isTrigger: boolean }) {
  const nodeRun = useEditorRunStore(selectNodeRun(nodeId));
  const run = useEditorRunStore(selectShownRun);
  const kind = useEditorRunStore(selectShownRunKind);
  if (!run || !kind) return null;
  const heading = kind === 'live' ? 'This run' : 'Last run';
  const step = nodeRun?.step;

  return (
    <section className="inspector__section last-run" aria-label={heading} data-testid="last-run">
      <div className="last-run__header">
        <span className="panel-heading panel-heading--inline">{heading}</span>
        <Link href={`/runs/${run.id}`} className="small" data-testid="last-run-open">
          Open run
        </Link>
      </div>
      {step ? (
        <dl className="last-run__facts">
          <div>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={step.status} compact testId="last-run-status" />
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="mono">{formatDuration(step.durationMs)}</dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd className="mono" data-testid="last-run-attempts">
              {nodeRun.attempts}
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted small" data-testid="last-run-not-run">
          This node did not run{kind === 'live' ? ' yet' : ' in that run'}.
        </p>
      )}
      {step?.status === 'failed' && step.error && (
        <p className="last-run__error" role="alert" data-testid="last-run-error">
          <code>{step.error.code}</code> {step.error.message}
        </p>
      )}
      {isTrigger && (
        <LastRunValue
          label="Trigger input"
          runId={run.id}
          field="input"
          value={run.input}
          truncated={run.inputTruncated}
          testId="last-run-trigger-input"
          pathRoot="$trigger"
        />
      )}
      {step && step.status !== 'skipped' && step.status !== 'waiting' && (
        <LastRunValue
          label="Input"
          runId={run.id}
          stepId={step.id}
          nodeId={nodeId}
          field="input"
          value={step.input}
          truncated={step.inputTruncated}
          testId="last-run-input"
          pathRoot="$"
        />
      )}
      {step?.status === 'succeeded' && (
        <LastRunValue
          label="Output"
          runId={run.id}
          stepId={step.id}
          nodeId={nodeId}
          field="output"
          value={step.output}
          truncated={step.outputTruncated}
          testId="last-run-output"
          pathRoot={nodeOutputRoot(nodeId)}
        />
      )}
    </section>
  );
}

/** A labelled value of the run: its tree (lines drag as paths) or a preview with Download. */
function LastRunValue({ label, ...value }: { label: string } & ComponentProps<typeof RunValue>) {
  return (
    <div className="last-run__value" data-testid={`${value.testId}-block`}>
      <div className="field__label">{label}</div>
      <RunValue {...value} />
    </div>
  );
}
