/**
 * The editor's right-hand version history (in place of the inspector): saved versions newest
 * first with who saved them and when, picking two to compare, the changes between them, and
 * restoring one. Esc closes it; the editor's document is untouched until a restore.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../../api/api-error.ts';
import type { RouterOutputs } from '../../api/types.ts';
import { useTRPC } from '../../trpc.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { formatAbsolute } from '../../ui/format.ts';
import { XIcon } from '../../ui/icons.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { selectDirty, useEditorStore } from '../editor-store.ts';
import type { FlowDiff } from './flow-version-diff.ts';
import { useRestoreVersion } from './use-restore-version.ts';
import type { VersionComparison } from './use-version-compare.ts';
import { VersionChanges } from './version-changes.tsx';

type VersionSummary = RouterOutputs['flows']['versions']['items'][number];

const PAGE_SIZE = 50;

/** What the panel and its comparison section share. */
type ComparisonProps = {
  flowId: string;
  latestVersion: number | null;
  readOnly: boolean;
  onCompare: (comparison: VersionComparison | null) => void;
  /** The comparison's diff once both versions are loaded. */
  compared: { diff: FlowDiff | null; loading: boolean; error: unknown };
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
};

export function VersionHistoryPanel({
  comparison,
  onClose,
  ...shared
}: ComparisonProps & { comparison: VersionComparison | null; onClose: () => void }) {
  const { flowId, latestVersion, onCompare } = shared;
  const trpc = useTRPC();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const versions = useInfiniteQuery(
    trpc.flows.versions.infiniteQueryOptions(
      { id: flowId, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = versions.data?.pages.flatMap((page) => page.items) ?? [];

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <aside
      className="inspector versions"
      aria-labelledby={headingId}
      data-testid="version-history"
      onKeyDown={onKeyDown}
    >
      <header className="versions__header">
        <h3 id={headingId} ref={headingRef} tabIndex={-1} className="inspector__title">
          Version history
        </h3>
        <button
          type="button"
          className="icon-button"
          onClick={onClose}
          aria-label="Close version history"
          data-testid="version-history-close"
        >
          <XIcon />
        </button>
      </header>
      {comparison && <ComparisonSection {...shared} items={items} comparison={comparison} />}
      {versions.isError && (
        <div className="callout callout--danger">{errorMessage(versions.error)}</div>
      )}
      <ol className="versions__list" aria-label="Saved versions" data-testid="version-list">
        {items.map((version) => (
          <VersionRow
            key={version.number}
            version={version}
            current={version.number === latestVersion}
            compared={comparison?.from === version.number}
            onCompare={() =>
              onCompare({ from: version.number, to: latestVersion ?? version.number })
            }
          />
        ))}
      </ol>
      {versions.hasNextPage && (
        <button
          type="button"
          className="btn btn--ghost btn--sm versions__more"
          disabled={versions.isFetchingNextPage}
          onClick={() => void versions.fetchNextPage()}
        >
          {versions.isFetchingNextPage ? 'Loading…' : 'Older versions'}
        </button>
      )}
    </aside>
  );
}

function VersionRow({
  version,
  current,
  compared,
  onCompare,
}: {
  version: VersionSummary;
  current: boolean;
  compared: boolean;
  onCompare: () => void;
}) {
  const { author } = version;
  return (
    <li
      className={`versions__item${compared ? ' is-compared' : ''}`}
      data-testid={`version-${version.number}`}
    >
      <div className="versions__line">
        <strong>v{version.number}</strong>
        {current && (
          <span className="chip" data-testid="version-current">
            current
          </span>
        )}
        {version.restoredFrom !== null && (
          <span className="chip chip--muted">restored from v{version.restoredFrom}</span>
        )}
        <span className="versions__nodes muted">
          {version.nodeCount} node{version.nodeCount === 1 ? '' : 's'}
        </span>
      </div>
      <div className="versions__line versions__meta">
        <span data-testid="version-author" title={author?.email}>
          {author ? (author.name ? `${author.name} · ${author.email}` : author.email) : 'Unknown'}
        </span>
      </div>
      <div className="versions__line versions__meta">
        <RelativeTime iso={version.createdAt} />
        <span className="muted"> · {formatAbsolute(version.createdAt)}</span>
      </div>
      {!current && (
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          onClick={onCompare}
          aria-pressed={compared}
          aria-label={`Compare version ${version.number} with the current version`}
          data-testid={`version-compare-${version.number}`}
        >
          Compare
        </button>
      )}
    </li>
  );
}

function ComparisonSection({
  flowId,
  items,
  latestVersion,
  readOnly,
  comparison,
  onCompare,
  compared,
  selectedNodeId,
  onSelectNode,
}: ComparisonProps & { items: readonly VersionSummary[]; comparison: VersionComparison }) {
  const { restore, restoring, error } = useRestoreVersion(flowId);
  const [confirming, setConfirming] = useState(false);
  const numbers = items.map((item) => item.number);
  const restorable = comparison.from !== latestVersion;

  const doRestore = async () => {
    if (await restore(comparison.from)) {
      setConfirming(false);
      onCompare(null);
    }
  };
  const requestRestore = () => {
    if (selectDirty(useEditorStore.getState())) setConfirming(true);
    else void doRestore();
  };

  return (
    <section className="versions__compare" aria-label="Comparison" data-testid="version-compare">
      <div className="versions__pickers">
        <VersionPicker
          label="From"
          value={comparison.from}
          numbers={numbers}
          onChange={(from) => onCompare({ ...comparison, from })}
          testId="version-compare-from"
        />
        <VersionPicker
          label="To"
          value={comparison.to}
          numbers={numbers}
          onChange={(to) => onCompare({ ...comparison, to })}
          testId="version-compare-to"
        />
      </div>
      <div className="versions__actions">
        {!readOnly && restorable && (
          <button
            type="button"
            className="btn btn--primary btn--sm"
            disabled={restoring}
            onClick={requestRestore}
            data-testid="version-restore"
          >
            {restoring ? 'Restoring…' : `Restore v${comparison.from}`}
          </button>
        )}
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          onClick={() => onCompare(null)}
          data-testid="version-compare-exit"
        >
          Back to editing
        </button>
      </div>
      {compared.error ? (
        <div className="callout callout--danger">{errorMessage(compared.error)}</div>
      ) : compared.loading || !compared.diff ? (
        <p className="versions__hint">Loading versions…</p>
      ) : (
        <VersionChanges
          diff={compared.diff}
          selectedNodeId={selectedNodeId}
          onSelectNode={onSelectNode}
        />
      )}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Restore version ${comparison.from}?`}
        testId="version-restore-dialog"
        description={`The editor has unsaved changes. Restoring saves version ${comparison.from} as a new version and discards them.`}
        confirmLabel="Discard changes and restore"
        pendingLabel="Restoring…"
        confirmTestId="version-restore-confirm"
        pending={restoring}
        error={error}
        onConfirm={() => void doRestore()}
      />
    </section>
  );
}

function VersionPicker({
  label,
  value,
  numbers,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  numbers: readonly number[];
  onChange: (number: number) => void;
  testId: string;
}) {
  const id = useId();
  // The compared version stays selectable even before its page of the list has loaded.
  const options = numbers.includes(value) ? numbers : [value, ...numbers];
  return (
    <div className="field versions__picker">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value}
        data-testid={testId}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {options.map((number) => (
          <option key={number} value={number}>
            v{number}
          </option>
        ))}
      </select>
    </div>
  );
}
