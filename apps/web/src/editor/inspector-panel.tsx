/** Right-hand panel: the selected node's label, id, generated config form and reliability policy. */
import { useReactFlow } from '@xyflow/react';
import type { ValidationIssue } from '../api/types.ts';
import { ConfigForm, issueFieldName } from '../forms/config-form.tsx';
import { CategoryIcon } from '../node-types/category-style.tsx';
import { cachedFormFields } from '../node-types/config-summary.ts';
import { useNodeType } from '../node-types/use-node-types.ts';
import { CopyButton } from '../ui/copy-button.tsx';
import { TrashIcon } from '../ui/icons.tsx';
import { IssueList } from '../ui/issue-list.tsx';
import { IS_MAC } from '../ui/platform.ts';
import { selectNodeData } from './canvas-node-identity.ts';
import { selectNodeIssues, useEditorStore } from './editor-store.ts';
import type { FlowNodeData } from './flow-types.ts';
import { NodeLastRunSection } from './node-last-run-section.tsx';
import { policyIssuePath } from './override-issues.ts';
import { ReliabilitySection } from './reliability-section.tsx';
import { SchedulePreview } from './schedule-preview.tsx';
import { StepTestSection } from './step-test/step-test-section.tsx';
import { WEBHOOK_NODE_TYPE, WebhookSection } from './webhook-section.tsx';

function NodeInspector({ nodeId, data }: { nodeId: string; data: FlowNodeData }) {
  const descriptor = useNodeType(data.nodeType);
  const issues = useEditorStore(selectNodeIssues(nodeId));
  const updateConfig = useEditorStore((s) => s.updateConfig);
  const updateLabel = useEditorStore((s) => s.updateLabel);
  const flowId = useEditorStore((s) => s.flowId);
  const { deleteElements } = useReactFlow();

  const fieldNames = new Set(
    descriptor ? cachedFormFields(descriptor.configJsonSchema).map((f) => f.name) : [],
  );
  // Policy issues are the Reliability section's to show, on their fields or at its top.
  const otherIssues = issues.filter((i: ValidationIssue) => {
    if (descriptor && policyIssuePath(i) !== undefined) return false;
    const field = issueFieldName(i);
    return field === undefined || !fieldNames.has(field);
  });

  return (
    <div className="inspector__content" data-testid="inspector">
      <header className="inspector__header">
        <CategoryIcon category={descriptor?.category} size={16} svg={descriptor?.icon} />
        <div>
          <div className="inspector__title">{descriptor?.title ?? data.nodeType}</div>
          <div className="inspector__subtitle">
            {descriptor?.description ?? 'Unknown node type'}
          </div>
        </div>
      </header>

      {otherIssues.length > 0 && (
        <div className="inspector__section">
          <IssueList issues={otherIssues} testId="inspector-issues" />
        </div>
      )}

      <div className="inspector__section form-fields">
        <div className="field">
          <label className="field__label" htmlFor="node-label">
            Label
          </label>
          <input
            id="node-label"
            className="input"
            value={data.label ?? ''}
            placeholder={descriptor?.title ?? 'Label'}
            maxLength={200}
            data-testid="field-label"
            onChange={(e) => updateLabel(nodeId, e.target.value)}
          />
        </div>
        <div className="field">
          <span className="field__label">Node ID</span>
          <div className="readonly-value">
            <code data-testid="node-id">{nodeId}</code>
            <CopyButton text={nodeId} label="Copy" />
          </div>
        </div>
      </div>

      <div className="inspector__section">
        <div className="panel-heading panel-heading--inline">Configuration</div>
        {descriptor ? (
          <ConfigForm
            // Remount per node so local editing state (key/value rows, JSON drafts) never leaks.
            key={nodeId}
            nodeId={nodeId}
            schema={descriptor.configJsonSchema}
            config={data.config}
            issues={issues}
            onChange={(name, value) => updateConfig(nodeId, name, value)}
          />
        ) : (
          <p className="muted small">
            Unknown node type “{data.nodeType}”: its config can't be edited here.
          </p>
        )}
        {data.nodeType === 'trigger.schedule' && <SchedulePreview config={data.config} />}
      </div>

      <NodeLastRunSection nodeId={nodeId} isTrigger={descriptor?.category === 'trigger'} />

      {data.nodeType === WEBHOOK_NODE_TYPE && (
        <WebhookSection key={`webhook-${nodeId}`} flowId={flowId} config={data.config} />
      )}

      <StepTestSection key={`step-test-${nodeId}`} nodeId={nodeId} data={data} />

      {descriptor && (
        <ReliabilitySection
          key={nodeId}
          nodeId={nodeId}
          descriptor={descriptor}
          policy={data.policy}
          issues={issues}
        />
      )}

      <div className="inspector__section inspector__footer">
        <button
          type="button"
          className="btn btn--danger-ghost btn--sm"
          data-testid="delete-node"
          onClick={() => void deleteElements({ nodes: [{ id: nodeId }] })}
        >
          <TrashIcon size={14} /> Delete node
        </button>
      </div>
    </div>
  );
}

function FlowOverview() {
  const nodeCount = useEditorStore((s) => s.nodes.length);
  const edgeCount = useEditorStore((s) => s.edges.length);
  const flowIssues = useEditorStore((s) => s.issues.all);
  return (
    <div className="inspector__content inspector__empty" data-testid="inspector-empty">
      <div className="inspector__empty-title">No node selected</div>
      <p className="muted small">
        Select a node on the canvas to edit its label and configuration.
      </p>
      <dl className="stat-list">
        <div>
          <dt>Nodes</dt>
          <dd>{nodeCount}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd>{edgeCount}</dd>
        </div>
        <div>
          <dt>Problems</dt>
          <dd className={flowIssues.length > 0 ? 'text-danger' : ''}>{flowIssues.length}</dd>
        </div>
      </dl>
      <div className="shortcut-list">
        <div>
          <kbd>{IS_MAC ? '⌘' : 'Ctrl'}</kbd>
          <kbd>S</kbd> Save
        </div>
        <div>
          <kbd>/</kbd> Add a node
        </div>
        <div>
          <kbd>⌫</kbd> Delete selection
        </div>
        <div>
          <kbd>⇧</kbd> + drag Select many
        </div>
      </div>
    </div>
  );
}

export function InspectorPanel({ readOnly = false }: { readOnly?: boolean }) {
  const selectedNodeId = useEditorStore((s) => s.selectedNodeId);
  // `data` keeps its identity while a node is dragged, so moving doesn't re-render the form.
  const data = useEditorStore((s) =>
    s.selectedNodeId ? selectNodeData(s.selectedNodeId)(s) : undefined,
  );
  return (
    <aside className="inspector" aria-label="Inspector">
      {/* A disabled fieldset makes every control inside read-only for a viewer. */}
      <fieldset className="fieldset-plain" disabled={readOnly} data-testid="inspector-fields">
        {selectedNodeId && data ? (
          <NodeInspector nodeId={selectedNodeId} data={data} />
        ) : (
          <FlowOverview />
        )}
      </fieldset>
    </aside>
  );
}
