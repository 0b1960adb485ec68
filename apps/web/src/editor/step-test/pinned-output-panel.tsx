/**
 * A node's pinned output: pin what a test or the shown run produced, or write it as JSON; when
 * pinned, show it with Edit and Unpin. Each change is one undoable edit of the document.
 */
import { useMemo, useState } from 'react';
import type { ValidationIssue } from '../../api/types.ts';
import { JsonField } from '../../forms/json-field.tsx';
import { PinIcon } from '../../ui/icons.tsx';
import { IssueList } from '../../ui/issue-list.tsx';
import { JsonViewer } from '../../ui/json-viewer.tsx';
import { selectNodeIssues, useEditorStore } from '../editor-store.ts';

/** An output the user may pin as it is, and where it came from. */
export type PinCandidate = { value: unknown; from: 'test' | 'run' };

const isPinnedOutputIssue = (issue: ValidationIssue) => issue.path.includes('pinnedOutput');

export function PinnedOutputPanel({
  nodeId,
  pinned,
  candidate,
  seed,
}: {
  nodeId: string;
  pinned: unknown;
  candidate: PinCandidate | undefined;
  /** What the JSON editor starts with when nothing is pinned yet. */
  seed: unknown;
}) {
  const setPinnedOutput = useEditorStore((s) => s.setPinnedOutput);
  const issues = useEditorStore(selectNodeIssues(nodeId));
  const pinIssues = useMemo(() => issues.filter(isPinnedOutputIssue), [issues]);
  const [editing, setEditing] = useState(false);

  if (editing) {
    return (
      <PinnedOutputEditor
        initial={pinned === undefined ? seed : pinned}
        onSave={(value) => {
          setPinnedOutput(nodeId, value);
          setEditing(false);
        }}
        onCancel={() => setEditing(false)}
      />
    );
  }

  if (pinned === undefined) {
    const from = candidate?.from === 'test' ? 'the test above' : 'the shown run';
    return (
      <div className="step-test__actions">
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          data-testid="pin-output"
          disabled={!candidate}
          title={
            candidate
              ? `Pin the output of ${from}`
              : 'Test the step (or run the flow) first, or write the output as JSON'
          }
          onClick={() => candidate && setPinnedOutput(nodeId, candidate.value)}
        >
          <PinIcon size={14} /> Pin output
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          data-testid="pin-output-json"
          onClick={() => setEditing(true)}
        >
          Write pinned JSON…
        </button>
      </div>
    );
  }

  return (
    <div className="step-test__pinned" data-testid="pinned-output">
      <div className="step-test__pinned-head">
        <PinIcon size={14} />
        <span>Output pinned</span>
      </div>
      <p className="muted small">
        Testing a node after this one uses it as this node's output. Runs never use it.
      </p>
      {pinIssues.length > 0 && (
        <div role="alert">
          <IssueList issues={pinIssues} testId="pinned-output-issues" />
        </div>
      )}
      <JsonViewer value={pinned} testId="pinned-output-json" />
      <div className="step-test__actions">
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          data-testid="edit-pinned-output"
          onClick={() => setEditing(true)}
        >
          Edit
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          data-testid="unpin-output"
          onClick={() => setPinnedOutput(nodeId, undefined)}
        >
          Unpin
        </button>
      </div>
    </div>
  );
}

function PinnedOutputEditor({
  initial,
  onSave,
  onCancel,
}: {
  initial: unknown;
  onSave: (value: unknown) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<unknown>(initial);
  const [valid, setValid] = useState(true);
  const empty = draft === undefined;
  return (
    <form
      className="step-test__pin-editor field"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid && !empty) onSave(draft);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <label className="field__label" htmlFor="pinned-output-editor">
        Pinned output (JSON)
      </label>
      <JsonField
        id="pinned-output-editor"
        value={initial}
        invalid={false}
        onChange={setDraft}
        onValidityChange={setValid}
      />
      <div className="step-test__actions">
        <button
          type="submit"
          className="btn btn--primary btn--sm"
          data-testid="save-pinned-output"
          disabled={!valid || empty}
        >
          Pin
        </button>
        <button type="button" className="btn btn--ghost btn--sm" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
