/**
 * The inspector's "Test step" section: runs the selected node alone (flows.testStep) with its
 * upstream data, from the shown run or from pinned outputs, and pins outputs for later tests.
 * For a trigger it offers only pinning: the sample data the nodes after it are tested with.
 */
import type { KeyboardEvent } from 'react';
import { useNodeType } from '../../node-types/use-node-types.ts';
import { IS_MAC } from '../../ui/platform.ts';
import { useEditorStore } from '../editor-store.ts';
import type { FlowNodeData } from '../flow-types.ts';
import { selectNodeRun, useEditorRunStore } from '../run-data/editor-run-store.ts';
import { type PinCandidate, PinnedOutputPanel } from './pinned-output-panel.tsx';
import { RecentStepTests } from './recent-step-tests.tsx';
import { StepTestOutcome, StepTestRefusal } from './step-test-outcome.tsx';
import { UpstreamSummary } from './upstream-summary.tsx';
import { useStepTest } from './use-step-test.ts';

const HEADING_ID = 'step-test-heading';

export function StepTestSection({ nodeId, data }: { nodeId: string; data: FlowNodeData }) {
  const descriptor = useNodeType(data.nodeType);
  const flowId = useEditorStore((s) => s.flowId);
  // An unknown node type has nothing to execute; a flow is always saved before it is edited.
  if (!descriptor || !flowId) return null;
  return descriptor.category === 'trigger' ? (
    <TriggerSampleSection nodeId={nodeId} data={data} />
  ) : (
    <StepTester flowId={flowId} nodeId={nodeId} data={data} />
  );
}

/** The node's own output in the shown run, if whole (a truncated preview can't be pinned). */
function useRunCandidate(nodeId: string): PinCandidate | undefined {
  const step = useEditorRunStore(selectNodeRun(nodeId))?.step;
  return step?.status === 'succeeded' && !step.outputTruncated
    ? { value: step.output, from: 'run' }
    : undefined;
}

function StepTester({
  flowId,
  nodeId,
  data,
}: {
  flowId: string;
  nodeId: string;
  data: FlowNodeData;
}) {
  const { test, result, error, pending } = useStepTest(flowId, nodeId);
  const runCandidate = useRunCandidate(nodeId);
  const candidate: PinCandidate | undefined =
    result?.status === 'succeeded' ? { value: result.output, from: 'test' } : runCandidate;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    // Inside the pinned-output editor, Enter belongs to the text.
    if (event.target instanceof HTMLTextAreaElement) return;
    event.preventDefault();
    if (!pending) test();
  };

  return (
    <section
      className="inspector__section step-test"
      aria-labelledby={HEADING_ID}
      data-testid="step-test-section"
      onKeyDown={onKeyDown}
    >
      <div id={HEADING_ID} className="panel-heading panel-heading--inline">
        Test step
      </div>
      <UpstreamSummary nodeId={nodeId} />
      <div className="step-test__actions">
        <button
          type="button"
          className="btn btn--primary btn--sm"
          data-testid="test-step"
          disabled={pending}
          aria-keyshortcuts={IS_MAC ? 'Meta+Enter' : 'Control+Enter'}
          onClick={test}
        >
          {pending ? 'Testing…' : 'Test step'}
        </button>
        <span className="muted small">
          <kbd>{IS_MAC ? '⌘' : 'Ctrl'}</kbd> <kbd>Enter</kbd> · this node only, not a run
        </span>
      </div>
      {error && <StepTestRefusal error={error} />}
      {result && !error && <StepTestOutcome result={result} />}
      <PinnedOutputPanel
        nodeId={nodeId}
        pinned={data.pinnedOutput}
        candidate={candidate}
        seed={candidate?.value ?? {}}
      />
      <RecentStepTests flowId={flowId} nodeId={nodeId} />
    </section>
  );
}

function TriggerSampleSection({ nodeId, data }: { nodeId: string; data: FlowNodeData }) {
  const candidate = useRunCandidate(nodeId);
  const sampleInput = data.config.sampleInput;
  return (
    <section
      className="inspector__section step-test"
      aria-labelledby={HEADING_ID}
      data-testid="step-test-section"
    >
      <div id={HEADING_ID} className="panel-heading panel-heading--inline">
        Sample data
      </div>
      <p className="muted small">
        A trigger is not tested alone. Pin its output to choose the data the nodes after it are
        tested with (as <code>$trigger</code> and their input); runs never use it.
      </p>
      <PinnedOutputPanel
        nodeId={nodeId}
        pinned={data.pinnedOutput}
        candidate={candidate}
        seed={sampleInput ?? candidate?.value ?? {}}
      />
    </section>
  );
}
