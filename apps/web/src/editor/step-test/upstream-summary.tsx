/**
 * Where a step test's upstream data comes from, said plainly: the shown run (with its age) or
 * the pinned outputs and the trigger's sample input; then each upstream node and its source.
 */
import { memo, useMemo } from 'react';
import { useNodeType } from '../../node-types/use-node-types.ts';
import { shortId } from '../../ui/format.ts';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { useEditorStore } from '../editor-store.ts';
import { selectNodeRun, useEditorRunStore } from '../run-data/editor-run-store.ts';
import { selectUpstream, type UpstreamNode } from './step-test-upstream.ts';

type Source = { text: string; tone: 'pinned' | 'data' | 'missing' };

const UpstreamRow = memo(function UpstreamRow({
  node,
  fromRun,
}: {
  node: UpstreamNode;
  fromRun: boolean;
}) {
  const isTrigger = useNodeType(node.nodeType)?.category === 'trigger';
  const ran = useEditorRunStore(selectNodeRun(node.nodeId))?.step.status === 'succeeded';
  const source = sourceOf(node, { fromRun, isTrigger, ran });
  return (
    <li
      className={`step-test__upstream-row step-test__upstream-row--${source.tone}`}
      data-testid={`upstream-${node.nodeId}`}
      data-source={source.tone}
    >
      <span className="step-test__upstream-name">{node.label || node.nodeId}</span>
      <span className="step-test__upstream-source">{source.text}</span>
    </li>
  );
});

function sourceOf(
  node: UpstreamNode,
  { fromRun, isTrigger, ran }: { fromRun: boolean; isTrigger: boolean; ran: boolean },
): Source {
  // A pinned output wins over a run's, as the server applies it.
  if (node.pinned) return { text: 'pinned', tone: 'pinned' };
  if (fromRun) {
    if (isTrigger) return { text: "the run's input", tone: 'data' };
    return ran
      ? { text: 'output from the run', tone: 'data' }
      : { text: 'no output in the run', tone: 'missing' };
  }
  if (isTrigger) {
    return node.hasSampleInput
      ? { text: 'sample input', tone: 'data' }
      : { text: 'empty input {}', tone: 'data' };
  }
  return { text: 'no data: pin an output or run the flow', tone: 'missing' };
}

export function UpstreamSummary({ nodeId }: { nodeId: string }) {
  const upstream = useEditorStore(useMemo(() => selectUpstream(nodeId), [nodeId]));
  const runId = useEditorRunStore((s) => s.data?.run.id ?? null);
  const runCreatedAt = useEditorRunStore((s) => s.data?.run.createdAt ?? null);

  if (upstream.length === 0) {
    return (
      <p className="muted small" data-testid="step-test-source">
        Nothing is connected to this node: connect it after the trigger to test it.
      </p>
    );
  }
  return (
    <div className="step-test__source">
      <p className="small" data-testid="step-test-source">
        {runId ? (
          <>
            Upstream data from run #{shortId(runId)} (<RelativeTime iso={runCreatedAt} />
            ); pinned outputs win over the run's.
          </>
        ) : (
          "Upstream data from pinned outputs and the trigger's sample input: the flow has no run yet."
        )}
      </p>
      <ul className="step-test__upstream" aria-label="Upstream nodes">
        {upstream.map((node) => (
          <UpstreamRow key={node.nodeId} node={node} fromRun={runId !== null} />
        ))}
      </ul>
    </div>
  );
}
