/**
 * Syntax problems of an expression field, as ranges to underline: a JSONata field parsed whole,
 * a template's `{{ }}` parts each parsed as the engine splits them (template.ts: the first `}}`
 * that closes a compilable expression), and braces never closed. Pure; uses the jsonata parser.
 */
import jsonata from 'jsonata';

export type SyntaxProblem = { from: number; to: number; message: string };

/** One `{{ expression }}` of a template: the braces' range and the expression's. */
export type TemplatePart = {
  from: number;
  to: number;
  expressionFrom: number;
  expressionTo: number;
};

const OPEN = '{{';
const CLOSE = '}}';

type JsonataError = { message?: unknown; position?: unknown; token?: unknown };

/** The parse error of `source`, or undefined when it compiles. Offsets are within `source`. */
function parseProblem(source: string): SyntaxProblem | undefined {
  try {
    jsonata(source);
    return undefined;
  } catch (error) {
    const { message, position, token } = (error ?? {}) as JsonataError;
    const text = typeof message === 'string' ? message : String(error);
    // JSONata's position is the character just past the offending token.
    const end =
      typeof position === 'number' ? Math.min(Math.max(position, 0), source.length) : source.length;
    const length =
      typeof token === 'string' && token.length > 0 && token !== '(end)' ? token.length : 1;
    const from = Math.max(0, end - length);
    return { from, to: Math.max(end, Math.min(from + 1, source.length)), message: text };
  }
}

export function jsonataProblems(source: string): SyntaxProblem[] {
  if (source.trim() === '') return [];
  const problem = parseProblem(source);
  return problem ? [problem] : [];
}

/** The template's `{{ }}` parts and its problems (unclosed braces, empty or invalid parts). */
export function templateStructure(text: string): {
  parts: TemplatePart[];
  problems: SyntaxProblem[];
} {
  const parts: TemplatePart[] = [];
  const problems: SyntaxProblem[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf(OPEN, cursor);
    if (open === -1) break;
    const start = open + OPEN.length;
    let close = text.indexOf(CLOSE, start);
    if (close === -1) {
      problems.push({ from: open, to: text.length, message: '"{{" is never closed with "}}"' });
      break;
    }
    let firstProblem: SyntaxProblem | undefined;
    let found = -1;
    while (close !== -1) {
      const source = text.slice(start, close);
      if (source.trim() === '') {
        firstProblem ??= { from: open, to: close + CLOSE.length, message: '"{{ }}" is empty' };
      } else {
        const problem = parseProblem(source);
        if (!problem) {
          found = close;
          break;
        }
        firstProblem ??= { ...problem, from: start + problem.from, to: start + problem.to };
      }
      close = text.indexOf(CLOSE, close + 1);
    }
    if (found === -1) {
      if (firstProblem) problems.push(firstProblem);
      break;
    }
    parts.push({
      from: open,
      to: found + CLOSE.length,
      expressionFrom: start,
      expressionTo: found,
    });
    cursor = found + CLOSE.length;
  }
  return { parts, problems };
}

/**
 * The expression the cursor is in, when it is inside a template's `{{`: where it starts and its
 * text up to the next `}}` (or the end). Undefined outside any `{{ }}`.
 */
export function templateExpressionAt(
  text: string,
  cursor: number,
): { from: number; source: string } | undefined {
  const open = text.lastIndexOf(OPEN, cursor - OPEN.length);
  if (open === -1) return undefined;
  const from = open + OPEN.length;
  const closedBefore = text.indexOf(CLOSE, from);
  if (closedBefore !== -1 && closedBefore + CLOSE.length <= cursor) return undefined;
  const end = closedBefore === -1 ? text.length : closedBefore;
  return { from, source: text.slice(from, end) };
}
