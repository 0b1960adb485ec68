/**
 * The live preview under an expression field: the expression evaluated by the server exactly as
 * its node would evaluate it in a run (flows.previewExpression), with the shown run's data or
 * pinned outputs. Debounced; an answer to an older text is dropped.
 */
import { useEffect, useState } from 'react';
import { errorCode, errorMessage } from '../../api/api-error.ts';
import { useEditorStore } from '../../editor/editor-store.ts';
import { useEditorRunStore } from '../../editor/run-data/editor-run-store.ts';
import { useTRPCClient } from '../../trpc.ts';
import type { ExpressionFieldKind } from './expression-drop.ts';
import { jsonataProblems, templateStructure } from './expression-syntax.ts';
import { hasPinnedUpstream } from './node-expression-data.ts';
import { previewText } from './preview-text.ts';

export const PREVIEW_DEBOUNCE_MS = 250;

type Preview =
  | { state: 'empty' }
  | { state: 'no-data' }
  | { state: 'syntax'; message: string }
  | { state: 'loading' }
  | { state: 'value'; value: unknown }
  | { state: 'undefined' }
  | { state: 'error'; message: string };

function syntaxProblem(kind: ExpressionFieldKind, text: string): string | undefined {
  const [problem] = kind === 'jsonata' ? jsonataProblems(text) : templateStructure(text).problems;
  return problem?.message;
}

function useExpressionPreview(
  kind: ExpressionFieldKind,
  text: string,
  nodeId: string,
  field: string,
): Preview {
  const client = useTRPCClient();
  const runId = useEditorRunStore((s) => s.data?.run.id);
  const flowId = useEditorStore((s) => s.flowId);
  const [preview, setPreview] = useState<Preview>({ state: 'empty' });

  useEffect(() => {
    if (text.trim() === '' || (kind === 'template' && !text.includes('{{'))) {
      setPreview({ state: 'empty' });
      return;
    }
    const problem = syntaxProblem(kind, text);
    if (problem) {
      setPreview({ state: 'syntax', message: problem });
      return;
    }
    if (!flowId || (runId === undefined && !hasPinnedUpstream(nodeId))) {
      setPreview({ state: 'no-data' });
      return;
    }
    let current = true;
    setPreview((previous) => (previous.state === 'value' ? previous : { state: 'loading' }));
    const timer = setTimeout(() => {
      const editor = useEditorStore.getState();
      const dirty = editor.revision !== editor.savedRevision;
      client.flows.previewExpression
        .mutate({
          flowId,
          nodeId,
          field,
          kind,
          expression: text,
          ...(runId ? { runId } : {}),
          ...(dirty ? { document: editor.toDocument() } : {}),
        })
        .then(
          (result) => {
            if (!current) return;
            setPreview(
              result.status === 'value'
                ? { state: 'value', value: result.value }
                : result.status === 'undefined'
                  ? { state: 'undefined' }
                  : { state: 'error', message: result.message },
            );
          },
          (error: unknown) => {
            if (!current) return;
            setPreview({
              state: 'error',
              message:
                errorCode(error) === 'FORBIDDEN'
                  ? 'Previews need the editor role.'
                  : errorMessage(error),
            });
          },
        );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, flowId, runId, nodeId, field, kind, text]);

  return preview;
}

export function ExpressionPreview({
  id,
  kind,
  text,
  nodeId,
  field,
}: {
  id: string;
  kind: ExpressionFieldKind;
  text: string;
  nodeId: string;
  field: string;
}) {
  const preview = useExpressionPreview(kind, text, nodeId, field);
  let body: React.ReactNode;
  let tone = '';
  switch (preview.state) {
    case 'empty':
      return null;
    case 'no-data':
      body = 'No data yet — run the flow or pin data';
      tone = ' is-muted';
      break;
    case 'syntax':
      body = preview.message;
      tone = ' is-error';
      break;
    case 'loading':
      body = 'Evaluating…';
      tone = ' is-muted';
      break;
    case 'undefined':
      body = 'No match (undefined)';
      tone = ' is-muted';
      break;
    case 'error':
      body = preview.message;
      tone = ' is-error';
      break;
    case 'value': {
      const { text: shown, truncated } = previewText(preview.value);
      body = (
        <>
          <pre className="expression-preview__value">{shown}</pre>
          {truncated && <span className="muted small">Cut short: the value is large.</span>}
        </>
      );
      break;
    }
  }
  return (
    <div
      id={id}
      className={`expression-preview${tone}`}
      role="status"
      aria-live="polite"
      data-testid={id}
      data-state={preview.state}
    >
      <span className="expression-preview__label">Preview</span>
      {body}
    </div>
  );
}
