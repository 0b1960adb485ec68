/**
 * A `jsonata` or `template` config field: the CodeMirror expression editor (loaded on demand;
 * the plain input stands in meanwhile), with autocomplete from the node's upstream data and a
 * live preview when the field belongs to a node (ExpressionScopeContext).
 */
import { lazy, type ReactNode, Suspense, useCallback, useRef } from 'react';
import '../../styles/expressions.css';
import { useNodeTypes } from '../../node-types/use-node-types.ts';
import { completeExpression } from './expression-completions.ts';
import type { ExpressionFieldKind } from './expression-drop.ts';
import type { CompleteExpression } from './expression-editor.tsx';
import { ExpressionPreview } from './expression-preview.tsx';
import { useExpressionScope } from './expression-scope-context.ts';
import { currentExpressionData } from './node-expression-data.ts';

const ExpressionEditor = lazy(() => import('./expression-editor.tsx'));

export type ExpressionFieldProps = {
  kind: ExpressionFieldKind;
  multiline: boolean;
  value: string;
  onChange: (text: string) => void;
  controlId: string;
  /** The field's name, named in preview errors. */
  field: string;
  invalid: boolean;
  placeholder: string | undefined;
  title: string | undefined;
  /** The plain input shown until the editor has loaded. */
  plain: ReactNode;
};

export function ExpressionField(props: ExpressionFieldProps) {
  const { kind, value, controlId, field } = props;
  const scope = useExpressionScope();
  const nodeTypes = useNodeTypes().data?.byType;
  const nodeTypesRef = useRef(nodeTypes);
  nodeTypesRef.current = nodeTypes;
  const nodeId = scope?.nodeId;

  const complete = useCallback<CompleteExpression>(
    (source, cursor, explicit) =>
      nodeId === undefined
        ? null
        : completeExpression(
            source,
            cursor,
            currentExpressionData(nodeId, nodeTypesRef.current),
            explicit,
          ),
    [nodeId],
  );
  const previewId = `${controlId}-preview`;
  return (
    <div className="expression-field">
      <Suspense fallback={props.plain}>
        <ExpressionEditor
          kind={kind}
          multiline={props.multiline}
          value={value}
          onChange={props.onChange}
          controlId={controlId}
          labelId={`${controlId}-label`}
          describedBy={nodeId === undefined ? undefined : previewId}
          invalid={props.invalid}
          placeholder={props.placeholder}
          title={props.title}
          complete={complete}
        />
      </Suspense>
      {nodeId !== undefined && (
        <ExpressionPreview id={previewId} kind={kind} text={value} nodeId={nodeId} field={field} />
      )}
    </div>
  );
}
