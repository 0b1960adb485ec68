/**
 * JSONata highlighting for CodeMirror: a small stream tokenizer (strings, numbers, `$variables`,
 * backtick field names, operators, keywords, comments). For templates, only the `{{ }}` parts are
 * JSONata; the text around them stays plain. Loaded with the expression editor only.
 */
import { HighlightStyle, StreamLanguage, type StringStream } from '@codemirror/language';
import { tags } from '@lezer/highlight';

type TokenState = { inComment: boolean; inExpression: boolean };

const KEYWORDS = new Set(['and', 'or', 'in', 'function', 'true', 'false', 'null']);
const OPERATOR = /^(?::=|!=|<=|>=|~>|\.\.|\?:|\?\?|[-+*/%&=<>?:!|^~@#.,;])/;

function tokenComment(stream: StringStream, state: TokenState): string {
  while (!stream.eol()) {
    if (stream.match('*/')) {
      state.inComment = false;
      return 'comment';
    }
    stream.next();
  }
  return 'comment';
}

/** One JSONata token; inside a template, `}}` ends the expression. */
function tokenJsonata(stream: StringStream, state: TokenState, template: boolean): string | null {
  if (state.inComment) return tokenComment(stream, state);
  if (stream.eatSpace()) return null;
  if (template && stream.match('}}')) {
    state.inExpression = false;
    return 'meta';
  }
  if (stream.match('/*')) {
    state.inComment = true;
    return tokenComment(stream, state);
  }
  const next = stream.peek();
  if (next === '"' || next === "'") {
    stream.next();
    let escaped = false;
    for (let ch = stream.next(); ch !== undefined; ch = stream.next()) {
      if (ch === next && !escaped) break;
      escaped = !escaped && ch === '\\';
    }
    return 'string';
  }
  if (next === '`') {
    stream.next();
    stream.skipTo('`') ? stream.next() : stream.skipToEnd();
    return 'propertyName';
  }
  if (stream.match(/^\$[A-Za-z0-9_]*/)) return 'variableName';
  if (stream.match(/^-?\d+(\.\d+)?([eE][-+]?\d+)?/)) return 'number';
  if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
    return KEYWORDS.has(stream.current()) ? 'keyword' : 'propertyName';
  }
  if (stream.match(/^[()[\]{}]/)) return 'bracket';
  if (stream.match(OPERATOR)) return 'operator';
  stream.next();
  return null;
}

function streamParser(template: boolean) {
  return {
    name: template ? 'template' : 'jsonata',
    startState: (): TokenState => ({ inComment: false, inExpression: !template }),
    copyState: (state: TokenState): TokenState => ({ ...state }),
    token(stream: StringStream, state: TokenState): string | null {
      if (!template || state.inExpression) return tokenJsonata(stream, state, template);
      if (stream.match('{{')) {
        state.inExpression = true;
        return 'meta';
      }
      // Plain text up to the next `{{`.
      if (!stream.skipTo('{{')) stream.skipToEnd();
      return null;
    },
  };
}

export const jsonataLanguage = StreamLanguage.define(streamParser(false));
export const templateLanguage = StreamLanguage.define(streamParser(true));

export const expressionHighlightStyle = HighlightStyle.define([
  { tag: tags.string, class: 'cmx-string' },
  { tag: tags.number, class: 'cmx-number' },
  { tag: tags.variableName, class: 'cmx-variable' },
  { tag: tags.propertyName, class: 'cmx-property' },
  { tag: tags.keyword, class: 'cmx-keyword' },
  { tag: tags.operator, class: 'cmx-operator' },
  { tag: tags.comment, class: 'cmx-comment' },
  { tag: tags.meta, class: 'cmx-template-brace' },
  { tag: tags.bracket, class: 'cmx-bracket' },
]);
