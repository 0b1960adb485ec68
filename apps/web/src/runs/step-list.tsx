/**
 * The run's steps, one row per node in execution order (#seq), named by the node's label; a row
 * expands into its attempts (status, duration, error), the breaker of any upstream it failed on,
 * and the chosen attempt's Input/Output/Error JSON (large values as a preview with a download).
 * Virtualised: only the rows in view (and a few around) are in the DOM, so a run of thousands of
 * steps scrolls smoothly; arrow keys, Home and End move between rows.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { StepRun } from '../api/types.ts';
import { CategoryIcon } from '../node-types/category-style.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { Countdown } from '../ui/countdown.tsx';
import { formatAbsolute, formatDuration, shortId } from '../ui/format.ts';
import { ChevronRightIcon, RetryIcon } from '../ui/icons.tsx';
import { JsonViewer } from '../ui/json-viewer.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { AttemptDots, AttemptList } from './attempt-list.tsx';
import { RunValue } from './run-value.tsx';
import type { NodeSteps } from './step-grouping.ts';
import { type StepName, stepNameOf } from './step-labels.ts';
import { upstreamTargetsOf } from './step-upstream.ts';
import { UpstreamBreaker } from './upstream-breaker.tsx';
import { WaitNote } from './wait-note.tsx';

function Section({
  title,
  testId,
  defaultOpen,
  tone,
  children,
}: {
  title: string;
  testId: string;
  defaultOpen: boolean;
  tone?: 'danger';
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div className={`step-section${tone ? ` step-section--${tone}` : ''}`} data-testid={testId}>
      <button
        type="button"
        className="step-section__toggle"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
      >
        <ChevronRightIcon size={12} className={`chevron${open ? ' is-open' : ''}`} />
        {title}
      </button>
      {open && <div className="step-section__body">{children}</div>}
    </div>
  );
}

function AttemptDetail({ runId, step, nodeId }: { runId: string; step: StepRun; nodeId: string }) {
  const notStarted = step.status === 'waiting' && step.startedAt === null;
  return (
    <div className="step-detail">
      {!notStarted && (
        <dl className="step-meta">
          <div>
            <dt>Started</dt>
            <dd>{step.startedAt ? formatAbsolute(step.startedAt) : '—'}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="mono">{formatDuration(step.durationMs)}</dd>
          </div>
          {step.port && (
            <div>
              <dt>Output port</dt>
              <dd>
                <code>{step.port}</code>
              </dd>
            </div>
          )}
          {step.skipReason && (
            <div>
              <dt>Skipped</dt>
              <dd>{step.skipReason}</dd>
            </div>
          )}
          {step.retryDelayMs !== null && (
            <div>
              <dt>Retry delay</dt>
              <dd className="mono" data-testid={`step-${nodeId}-retry-delay`}>
                {formatDuration(step.retryDelayMs)}
              </dd>
            </div>
          )}
          {step.status !== 'waiting' && step.nextAttemptAt && (
            <div>
              <dt>Next attempt at</dt>
              <dd>{formatAbsolute(step.nextAttemptAt)}</dd>
            </div>
          )}
        </dl>
      )}
      {step.status === 'waiting' && <WaitNote step={step} testId={`step-waiting-${nodeId}`} />}
      {step.error && (
        <Section title="Error" testId={`step-${nodeId}-error`} defaultOpen tone="danger">
          <div className="step-error-message">
            <code>{step.error.code}</code> {step.error.message}
          </div>
          <JsonViewer value={step.error} />
        </Section>
      )}
      {step.status !== 'skipped' && (
        <Section title="Input" testId={`step-${nodeId}-input`} defaultOpen={!step.error}>
          <RunValue
            runId={runId}
            stepId={step.id}
            nodeId={nodeId}
            field="input"
            value={step.input}
            truncated={step.inputTruncated}
            testId={`step-${nodeId}-input-value`}
          />
        </Section>
      )}
      {step.status === 'succeeded' && (
        <Section title="Output" testId={`step-${nodeId}-output`} defaultOpen>
          <RunValue
            runId={runId}
            stepId={step.id}
            nodeId={nodeId}
            field="output"
            value={step.output}
            truncated={step.outputTruncated}
            testId={`step-${nodeId}-output-value`}
          />
        </Section>
      )}
    </div>
  );
}

/** Estimated height of a collapsed row; rows are measured once rendered. */
const ROW_ESTIMATE_PX = 38;
const OVERSCAN_ROWS = 8;
const ROW_GAP_PX = 2;

function StepRow({
  runId,
  group,
  name,
  index,
  expanded,
  onToggle,
  measure,
}: {
  runId: string;
  group: NodeSteps;
  name: StepName;
  index: number;
  expanded: boolean;
  onToggle: () => void;
  measure: (element: HTMLLIElement | null) => void;
}) {
  const descriptor = useNodeTypes().data?.byType.get(group.nodeType);
  const [attemptIndex, setAttemptIndex] = useState<number | null>(null);
  const shownIndex = attemptIndex ?? group.attempts.length - 1;
  const shown = group.attempts[shownIndex] ?? group.latest;
  const targets = useMemo(() => upstreamTargetsOf(group.attempts), [group.attempts]);
  const reusedFrom = group.latest.reusedFromRunId;
  const typeTitle = descriptor?.title ?? group.nodeType;

  return (
    <li
      ref={measure}
      data-index={index}
      className={`step-row step-row--${group.latest.status}${expanded ? ' is-expanded' : ''}`}
      data-testid={`step-${group.nodeId}`}
      data-status={group.latest.status}
      data-seq={group.seq}
      data-reused={reusedFrom ? 'true' : undefined}
    >
      <button
        type="button"
        className="step-row__summary"
        onClick={onToggle}
        aria-expanded={expanded}
        data-step-index={index}
      >
        <ChevronRightIcon size={12} className={`chevron${expanded ? ' is-open' : ''}`} />
        <span className="step-row__seq mono" data-testid={`step-seq-${group.nodeId}`}>
          #{group.seq}
        </span>
        <CategoryIcon category={descriptor?.category} size={13} svg={descriptor?.icon} />
        <span className="step-row__name">
          <span className="step-row__title" data-testid={`step-label-${group.nodeId}`}>
            {name.primary}
          </span>
          <span className="step-row__type" title={name.labelled ? group.nodeId : undefined}>
            {typeTitle}
          </span>
        </span>
        {group.attempts.length > 1 && <AttemptDots attempts={group.attempts} />}
        {group.latest.status === 'waiting' && group.latest.nextAttemptAt ? (
          <span className="step-row__duration step-row__duration--waiting mono">
            <Countdown until={group.latest.nextAttemptAt} />
          </span>
        ) : (
          <span className="step-row__duration mono">{formatDuration(group.latest.durationMs)}</span>
        )}
        <StatusBadge status={group.latest.status} compact testId={`step-status-${group.nodeId}`} />
      </button>
      {group.latest.status === 'waiting' && !expanded && (
        <WaitNote step={group.latest} testId={`step-waiting-${group.nodeId}`} />
      )}
      {reusedFrom && (
        <div className="step-row__note" data-testid={`step-reused-${group.nodeId}`}>
          <RetryIcon size={12} />
          Reused from run{' '}
          <Link href={`/runs/${reusedFrom}`} className="mono" data-testid="reused-from-link">
            {shortId(reusedFrom)}
          </Link>
        </div>
      )}
      {targets.length > 0 && (
        <div className="step-row__upstreams">
          {targets.map((target) => (
            <UpstreamBreaker key={target} target={target} testId={`step-breaker-${group.nodeId}`} />
          ))}
        </div>
      )}
      {expanded && (
        <div className="step-row__body">
          {group.attempts.length > 1 && (
            <AttemptList group={group} shownIndex={shownIndex} onShow={setAttemptIndex} />
          )}
          <AttemptDetail runId={runId} step={shown} nodeId={group.nodeId} />
        </div>
      )}
    </li>
  );
}

/** The row a key moves focus to, or undefined for a key the list does not handle. */
function targetIndex(key: string, from: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, from + 1);
    case 'ArrowUp':
      return Math.max(0, from - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

export function StepList({
  runId,
  groups,
  names,
  notRun,
  selectedNodeId,
  onSelectNode,
}: {
  runId: string;
  groups: readonly NodeSteps[];
  /** The flow version's node names (step-labels.ts). */
  names: ReadonlyMap<string, StepName>;
  notRun: readonly string[];
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: groups.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: OVERSCAN_ROWS,
    // The rows' margin (.step-row + .step-row), so that offsets match the flow layout.
    gap: ROW_GAP_PX,
    getItemKey: (index) => groups[index]?.nodeId ?? index,
  });
  const indexOf = useMemo(() => new Map(groups.map((g, index) => [g.nodeId, index])), [groups]);

  // A node chosen elsewhere (the canvas, the error's "Show step") is scrolled into view, even
  // when its row is not rendered yet.
  const selectedIndex = selectedNodeId === null ? undefined : indexOf.get(selectedNodeId);
  useEffect(() => {
    if (selectedIndex !== undefined) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  /** Row to focus once it is rendered (it may be off screen when the key is pressed). */
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useEffect(() => {
    if (focusIndex === null) return;
    const button = scrollRef.current?.querySelector<HTMLButtonElement>(
      `[data-step-index="${focusIndex}"]`,
    );
    if (button) {
      button.focus({ preventScroll: true });
      setFocusIndex(null);
    }
  });

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent<HTMLOListElement>) => {
      const from = (event.target as HTMLElement).closest<HTMLElement>('[data-step-index]');
      if (!from) return;
      const next = targetIndex(event.key, Number(from.dataset.stepIndex), groups.length);
      if (next === undefined) return;
      event.preventDefault();
      virtualizer.scrollToIndex(next, { align: 'auto' });
      setFocusIndex(next);
    },
    [groups.length, virtualizer],
  );

  const items = virtualizer.getVirtualItems();
  return (
    <div className="steps" data-testid="step-list" ref={scrollRef}>
      {groups.length === 0 && (
        <div className="steps__empty muted small">No steps have started yet.</div>
      )}
      <div className="steps__spacer" style={{ height: virtualizer.getTotalSize() }}>
        <ol
          className="steps__list"
          data-count={groups.length}
          style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}
          onKeyDown={onKeyDown}
        >
          {items.map((item) => {
            const group = groups[item.index];
            if (!group) return null;
            return (
              <StepRow
                key={item.key}
                runId={runId}
                group={group}
                name={stepNameOf(names, group.nodeId)}
                index={item.index}
                expanded={selectedNodeId === group.nodeId}
                measure={virtualizer.measureElement}
                onToggle={() => onSelectNode(selectedNodeId === group.nodeId ? null : group.nodeId)}
              />
            );
          })}
        </ol>
      </div>
      {notRun.length > 0 && (
        <div className="steps__not-run">
          <span className="muted small">Not run:</span>
          {notRun.map((id) => (
            <code key={id} className="chip chip--muted" data-testid={`not-run-${id}`}>
              {stepNameOf(names, id).primary}
            </code>
          ))}
        </div>
      )}
    </div>
  );
}
