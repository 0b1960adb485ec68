/** The list of what changed between two versions, and the field-by-field diff of one node. */
import {
  DIFF_STATUS_LABEL,
  type FieldChange,
  type FlowDiff,
  type NodeDiff,
  type NodeDiffStatus,
} from './flow-version-diff.ts';

const LISTED: readonly Exclude<NodeDiffStatus, 'unchanged'>[] = [
  'added',
  'removed',
  'changed',
  'moved',
];

function nodeTitle(entry: NodeDiff): string {
  const label = entry.drawn.label;
  return label ? `${label} (${entry.id})` : entry.id;
}

export function VersionChanges({
  diff,
  selectedNodeId,
  onSelectNode,
}: {
  diff: FlowDiff;
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  if (diff.identical) {
    return (
      <p className="versions__empty" data-testid="version-no-changes">
        These versions are the same.
      </p>
    );
  }
  const selected = selectedNodeId ? diff.byId.get(selectedNodeId) : undefined;
  return (
    <div className="version-changes" data-testid="version-changes">
      {LISTED.map((status) => {
        const entries = diff.nodes.filter((entry) => entry.status === status);
        if (entries.length === 0) return null;
        return (
          <section key={status} className="version-changes__group">
            <h4 className="version-changes__heading">
              <span className={`diff-dot diff-dot--${status}`} aria-hidden="true" />
              {DIFF_STATUS_LABEL[status]} ({entries.length})
            </h4>
            <ul className="version-changes__list">
              {entries.map((entry) => (
                <li key={entry.id}>
                  <button
                    type="button"
                    className="version-changes__node"
                    aria-pressed={entry.id === selectedNodeId}
                    data-testid={`version-change-${entry.id}`}
                    data-diff={entry.status}
                    onClick={() => onSelectNode(entry.id === selectedNodeId ? null : entry.id)}
                  >
                    {nodeTitle(entry)}
                    <span className="muted"> · {entry.drawn.type}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      {diff.counts.edges > 0 && (
        <section className="version-changes__group" data-testid="version-edge-changes">
          <h4 className="version-changes__heading">Connections</h4>
          <ul className="version-changes__list">
            {diff.edges.added.map((edge) => (
              <li key={`+${edge.id}`} className="version-changes__edge">
                <span className="diff-dot diff-dot--added" aria-hidden="true" />
                Added {edge.source} → {edge.target}
              </li>
            ))}
            {diff.edges.removed.map((edge) => (
              <li key={`-${edge.id}`} className="version-changes__edge">
                <span className="diff-dot diff-dot--removed" aria-hidden="true" />
                Removed {edge.source} → {edge.target}
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.flow.length > 0 && (
        <section className="version-changes__group">
          <h4 className="version-changes__heading">Flow</h4>
          <FieldTable changes={diff.flow} prefix="" testId="version-flow-diff" />
        </section>
      )}
      {selected ? (
        <NodeFieldDiff entry={selected} />
      ) : (
        <p className="versions__hint">Select a node to see its fields before and after.</p>
      )}
    </div>
  );
}

function NodeFieldDiff({ entry }: { entry: NodeDiff }) {
  const changes: { prefix: string; list: FieldChange[] }[] = [
    { prefix: '', list: entry.node },
    { prefix: 'config', list: entry.config },
    { prefix: 'policy', list: entry.policy },
  ];
  const total = changes.reduce((sum, { list }) => sum + list.length, 0);
  return (
    <section
      className="version-changes__group version-node-diff"
      aria-label={`Changes to node ${entry.id}`}
      data-testid="version-node-diff"
    >
      <h4 className="version-changes__heading">
        {nodeTitle(entry)}: {DIFF_STATUS_LABEL[entry.status].toLowerCase()}
      </h4>
      {total === 0 ? (
        <p className="versions__hint">No field differs.</p>
      ) : (
        changes.map(
          ({ prefix, list }) =>
            list.length > 0 && (
              <FieldTable
                key={prefix || 'node'}
                changes={list}
                prefix={prefix}
                testId={undefined}
              />
            ),
        )
      )}
    </section>
  );
}

function FieldTable({
  changes,
  prefix,
  testId,
}: {
  changes: readonly FieldChange[];
  prefix: string;
  testId: string | undefined;
}) {
  return (
    <table className="field-diff" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => {
          const path = [prefix, ...change.path].filter(Boolean).join('.') || prefix;
          return (
            <tr key={path} data-testid={`field-diff-${path}`}>
              <th scope="row">
                <code>{path}</code>
              </th>
              <td className="field-diff__before">
                <FieldValue value={change.before} />
              </td>
              <td className="field-diff__after">
                <FieldValue value={change.after} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FieldValue({ value }: { value: unknown }) {
  if (value === undefined) return <span className="muted">not set</span>;
  return <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>;
}
