/**
 * `{{ <jsonata> }}` templates inside string config fields. Text outside the braces is literal;
 * each expression is evaluated with the same bindings as transform.jsonata.
 */
import { NodeExecutionError } from './errors.ts';
import {
  checkExpressionSyntax,
  describeSyntaxError,
  type ExpressionScope,
  type ExpressionSite,
  evaluateExpression,
} from './expression.ts';

type TemplatePart = { literal: string } | { expression: string };
type ParsedTemplate = { ok: true; parts: readonly TemplatePart[] } | { ok: false; message: string };

const OPEN = '{{';
const CLOSE = '}}';
const CACHE_LIMIT = 2000;
const cache = new Map<string, ParsedTemplate>();

export function isTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/** Returns a readable problem with the template, or undefined when every expression compiles. */
export function checkTemplateSyntax(text: string): string | undefined {
  if (!isTemplate(text)) return undefined;
  const parsed = parseTemplate(text);
  return parsed.ok ? undefined : parsed.message;
}

/**
 * The expression when `text` is exactly one `{{ }}` (ignoring surrounding whitespace), so the
 * caller can use its value as is rather than as text.
 */
export function soleExpression(text: string): string | undefined {
  if (!isTemplate(text)) return undefined;
  const parsed = parseTemplate(text);
  if (!parsed.ok) return undefined;
  const meaningful = parsed.parts.filter(
    (part) => !('literal' in part) || part.literal.trim() !== '',
  );
  const only = meaningful[0];
  return meaningful.length === 1 && only && 'expression' in only ? only.expression : undefined;
}

/** Renders the template to text. Strings are inserted as is, undefined as '', anything else as JSON. */
export async function renderTemplate(
  text: string,
  scope: ExpressionScope,
  site: ExpressionSite,
): Promise<string> {
  if (!isTemplate(text)) return text;
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    // Configs are validated before a run, so this only happens for unvalidated input.
    throw new NodeExecutionError(
      site.nodeId,
      'EXPRESSION_FAILED',
      `Node "${site.nodeId}": template in "${site.field}" is invalid: ${parsed.message}`,
      { details: { field: site.field } },
    );
  }
  let out = '';
  for (const part of parsed.parts) {
    out +=
      'literal' in part
        ? part.literal
        : stringifyValue(await evaluateExpression(part.expression, scope, site));
  }
  return out;
}

export function stringifyValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

function parseTemplate(text: string): ParsedTemplate {
  const hit = cache.get(text);
  if (hit) return hit;
  const parsed = parseUncached(text);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf(OPEN, cursor);
    if (open === -1) {
      parts.push({ literal: text.slice(cursor) });
      break;
    }
    if (open > cursor) parts.push({ literal: text.slice(cursor, open) });
    const start = open + OPEN.length;
    // JSONata object constructors can contain "}}", so take the first "}}" that closes a
    // compilable expression, and report the error of the shortest candidate otherwise.
    let close = text.indexOf(CLOSE, start);
    if (close === -1) {
      return { ok: false, message: `"{{" at character ${open} is never closed with "}}"` };
    }
    let firstError: string | undefined;
    let found = -1;
    while (close !== -1) {
      const source = text.slice(start, close);
      if (source.trim() === '') {
        firstError ??= `"{{ }}" at character ${open} is empty`;
      } else {
        const error = checkExpressionSyntax(source);
        if (!error) {
          found = close;
          break;
        }
        firstError ??= `expression at character ${open}: ${describeSyntaxError(error)}`;
      }
      close = text.indexOf(CLOSE, close + 1);
    }
    if (found === -1) return { ok: false, message: firstError ?? 'invalid template' };
    parts.push({ expression: text.slice(start, found) });
    cursor = found + CLOSE.length;
  }
  return { ok: true, parts };
}
