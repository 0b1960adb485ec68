/**
 * "Run flow": the input for a run started from the editor, as JSON, opened with the input last
 * run here (else the manual trigger's sample input, else {}). Run (or Ctrl/Cmd+Enter) starts
 * the run and closes the dialog; the editor stays open and follows the run on its canvas.
 */
import { useId, useState } from 'react';
import { Dialog } from '../../ui/dialog.tsx';
import { IS_MAC } from '../../ui/platform.ts';
import { useEditorStore } from '../editor-store.ts';
import { initialRunInputText, parseRunInput, rememberRunInput } from './run-input.ts';

export function RunFlowDialog({
  flowId,
  open,
  onClose,
  onRun,
  starting,
}: {
  flowId: string;
  open: boolean;
  onClose: () => void;
  /** Saves if needed and starts the run; true once it started. */
  onRun: (input: unknown) => Promise<boolean>;
  starting: boolean;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Run flow"
      description="The trigger's input for this run, as JSON. Unsaved changes are saved first."
      testId="run-flow-dialog"
      width={560}
    >
      <RunInputForm flowId={flowId} onRun={onRun} onClose={onClose} starting={starting} />
    </Dialog>
  );
}

/** Mounted while the dialog is open, so each opening starts from the remembered input. */
function RunInputForm({
  flowId,
  onRun,
  onClose,
  starting,
}: {
  flowId: string;
  onRun: (input: unknown) => Promise<boolean>;
  onClose: () => void;
  starting: boolean;
}) {
  const [text, setText] = useState(() =>
    initialRunInputText(localStorage, flowId, useEditorStore.getState().nodes),
  );
  const parsed = parseRunInput(text);
  const inputId = useId();
  const errorId = useId();

  const run = async () => {
    if (!parsed.ok) return;
    if (await onRun(parsed.value)) {
      rememberRunInput(localStorage, flowId, text);
      onClose();
    }
  };

  return (
    <form
      className="form-fields"
      onSubmit={(event) => {
        event.preventDefault();
        void run();
      }}
    >
      <div className="field">
        <label className="field__label" htmlFor={inputId}>
          Input
        </label>
        <textarea
          id={inputId}
          className={`input textarea mono run-input-editor${parsed.ok ? '' : ' is-invalid'}`}
          rows={Math.min(16, Math.max(6, text.split('\n').length + 1))}
          spellCheck={false}
          value={text}
          aria-invalid={!parsed.ok}
          aria-describedby={parsed.ok ? undefined : errorId}
          data-testid="run-input-text"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void run();
            }
          }}
        />
        {!parsed.ok && (
          <p className="field__error" id={errorId} role="alert" data-testid="run-input-error">
            {parsed.message}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={starting || !parsed.ok}
          data-testid="run-input-submit"
          title={`Run (${IS_MAC ? '⌘' : 'Ctrl+'}Enter)`}
        >
          {starting ? 'Starting…' : 'Run'}
          <kbd className="btn__kbd">{IS_MAC ? '⌘↵' : 'Ctrl ↵'}</kbd>
        </button>
      </div>
    </form>
  );
}
