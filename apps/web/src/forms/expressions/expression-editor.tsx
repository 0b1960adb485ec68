/**
 * The CodeMirror 6 editor of an expression field, loaded on demand (React.lazy in
 * expression-field.tsx) so that CodeMirror never weighs on the first load. JSONata highlighting,
 * syntax problems underlined, path autocomplete, and paths dropped from the data trees. Tab and
 * Escape leave the field as in any input; the value goes out through `onChange` on every edit.
 */
import {
  autocompletion,
  type CompletionResult as CodeMirrorCompletions,
  type CompletionContext,
  closeBrackets,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { EXPRESSION_PATH_MIME } from '../../editor/run-data/expression-path.ts';
import type { CompletionResult } from './expression-completions.ts';
import { droppedPathText, type ExpressionFieldKind } from './expression-drop.ts';
import { jsonataProblems, templateExpressionAt, templateStructure } from './expression-syntax.ts';
import { expressionHighlightStyle, jsonataLanguage, templateLanguage } from './jsonata-language.ts';

/** Completes a JSONata `source` at `cursor` (expression-completions.ts over the node's data). */
export type CompleteExpression = (
  source: string,
  cursor: number,
  explicit: boolean,
) => CompletionResult | null;

export type ExpressionEditorProps = {
  kind: ExpressionFieldKind;
  multiline: boolean;
  value: string;
  onChange: (text: string) => void;
  /** Id and test id of the editable element. */
  controlId: string;
  labelId: string;
  describedBy: string | undefined;
  invalid: boolean;
  placeholder: string | undefined;
  title: string | undefined;
  complete: CompleteExpression;
};

/** Completion rows in the app's colours (scoped to the editor, so above CodeMirror's own theme). */
const completionTheme = EditorView.theme({
  '.cm-tooltip-autocomplete ul li[aria-selected]': {
    background: 'var(--accent-soft)',
    color: 'var(--text)',
  },
  '.cm-completionDetail': {
    marginLeft: '12px',
    color: 'var(--text-muted)',
    fontFamily: 'var(--font-sans)',
    fontStyle: 'normal',
  },
});

/** Marks the editor's own sync from `value`, which must not be echoed to `onChange`. */
const fromProps = Annotation.define<boolean>();

function problemsOf(kind: ExpressionFieldKind, text: string): Diagnostic[] {
  const problems = kind === 'jsonata' ? jsonataProblems(text) : templateStructure(text).problems;
  return problems.map((problem) => ({ ...problem, severity: 'error' }));
}

function completionSource(kind: ExpressionFieldKind, complete: () => CompleteExpression) {
  return (context: CompletionContext): CodeMirrorCompletions | null => {
    const text = context.state.doc.toString();
    let result: CompletionResult | null;
    if (kind === 'jsonata') {
      result = complete()(text, context.pos, context.explicit);
    } else {
      const inside = templateExpressionAt(text, context.pos);
      if (!inside) return null;
      const inner = complete()(inside.source, context.pos - inside.from, context.explicit);
      result = inner && { ...inner, from: inner.from + inside.from };
    }
    if (!result || result.options.length === 0) return null;
    // Options come filtered by what is typed, and a step like `[0]` replaces the dot before it.
    return { from: result.from, options: result.options, filter: false };
  };
}

/** Drops of a data-tree path: inserted where dropped, as the field's kind needs it. */
function pathDrop(kind: ExpressionFieldKind): Extension {
  return EditorView.domEventHandlers({
    dragover(event) {
      if (!event.dataTransfer?.types.includes(EXPRESSION_PATH_MIME)) return false;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      return true;
    },
    drop(event, view) {
      const path = event.dataTransfer?.getData(EXPRESSION_PATH_MIME);
      if (!path) return false;
      event.preventDefault();
      const box = view.contentDOM.getBoundingClientRect();
      const inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom;
      const at =
        (inside ? view.posAtCoords({ x: event.clientX, y: event.clientY }) : null) ??
        view.state.selection.main.head;
      const inserted = droppedPathText(kind, view.state.doc.toString(), at, path);
      view.dispatch({
        changes: { from: at, insert: inserted },
        selection: { anchor: at + inserted.length },
        userEvent: 'input.drop',
      });
      view.focus();
      return true;
    },
  });
}

export default function ExpressionEditor(props: ExpressionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // Latest props for callbacks the editor holds on to.
  const latest = useRef(props);
  latest.current = props;
  const attributes = useRef(new Compartment());
  const editable = useRef(new Compartment());

  const { kind, multiline, controlId, labelId, describedBy, invalid, placeholder, title } = props;
  const contentAttributes = {
    id: controlId,
    'data-testid': controlId,
    'data-widget': kind,
    'aria-labelledby': labelId,
    'aria-invalid': invalid ? 'true' : 'false',
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(title ? { title } : {}),
    'aria-multiline': multiline ? 'true' : 'false',
  };

  // Built once per field; later props reach it through the effects below.
  useEffect(() => {
    if (!host.current) return;
    const extensions: Extension[] = [
      history(),
      closeBrackets(),
      keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
      kind === 'jsonata' ? jsonataLanguage : templateLanguage,
      syntaxHighlighting(expressionHighlightStyle),
      completionTheme,
      linter((v) => problemsOf(kind, v.state.doc.toString()), { delay: 250 }),
      autocompletion({
        override: [completionSource(kind, () => latest.current.complete)],
        icons: false,
        activateOnTyping: true,
      }),
      pathDrop(kind),
      attributes.current.of(EditorView.contentAttributes.of(contentAttributes)),
      editable.current.of([]),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        if (update.transactions.some((tr) => tr.annotation(fromProps))) return;
        latest.current.onChange(update.state.doc.toString());
      }),
      ...(placeholder ? [placeholderText(placeholder)] : []),
      ...(multiline
        ? [EditorView.lineWrapping]
        : // One line: a typed or pasted line break is refused, as in an <input>.
          [EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr))]),
    ];
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: props.value, extensions }),
    });
    view.current = created;
    // Inside a disabled fieldset (a viewer's inspector) the field is read-only, like an input.
    if (created.dom.closest('fieldset:disabled')) {
      created.dispatch({
        effects: editable.current.reconfigure([
          EditorView.editable.of(false),
          EditorState.readOnly.of(true),
        ]),
      });
    }
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  // The value changed outside the editor (undo in the editor's history, another field's drop).
  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const text = current.state.doc.toString();
    if (text === props.value) return;
    current.dispatch({
      changes: { from: 0, to: text.length, insert: props.value },
      annotations: [fromProps.of(true)],
    });
  }, [props.value]);

  const attributeKey = JSON.stringify(contentAttributes);
  // Keyed by the attributes as JSON, so an unchanged set dispatches nothing.
  useEffect(() => {
    view.current?.dispatch({
      effects: attributes.current.reconfigure(EditorView.contentAttributes.of(contentAttributes)),
    });
  }, [attributeKey]);

  return (
    <div
      ref={host}
      className={`expression-editor nodrag${multiline ? ' is-multiline' : ''}${invalid ? ' is-invalid' : ''}`}
    />
  );
}
