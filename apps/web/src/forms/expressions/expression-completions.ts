/**
 * Autocomplete for JSONata paths into upstream data: `$`, `$trigger`, `$nodes` at a root, the
 * upstream node ids after `$nodes.`, then the fields of the sample value at the path typed so far
 * (`$nodes.call.body.items[0].id`); an array offers `[0]` and the fields of its first item. Pure:
 * CodeMirror's completion source (expression-editor.tsx) is a thin adapter over it.
 */
import { nodeOutputRoot } from '../../editor/run-data/expression-path.ts';
import type { DataSample, ExpressionData, SampleSource } from './expression-data.ts';

export type ExpressionCompletion = {
  label: string;
  /** Inserted in place of [from, cursor]. */
  apply: string;
  /** Type and a short value preview, e.g. `number · 5`. */
  detail: string;
  type: 'variable' | 'property' | 'constant';
  /** Sorts data paths above anything else CodeMirror might offer. */
  boost?: number;
};

/** Options already filtered by what is typed between `from` and the cursor. */
export type CompletionResult = { from: number; options: ExpressionCompletion[] };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A path ending at the cursor: a `$root`, then `.field`, `.\`quoted field\`` or `[n]` steps,
// and possibly a trailing `.` or a partly typed field.
const PATH_AT_END =
  /\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\.`[^`]*`|\[\d+\])*(?:\.[A-Za-z_0-9]*)?$/;
const PREVIEW_CHARS = 40;

type Segment = string | number;

export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'object';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `string · "Ada"`, `array · 3 items`, `object · 2 fields`: the type and a short preview. */
export function describeValue(value: unknown): string {
  const kind = kindOf(value);
  switch (kind) {
    case 'array':
      return `array · ${count((value as unknown[]).length, 'item')}`;
    case 'object':
      return `object · ${count(Object.keys(value as object).length, 'field')}`;
    case 'string': {
      const text = JSON.stringify(value);
      return `string · ${text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…"` : text}`;
    }
    default:
      return `${kind} · ${String(value)}`;
  }
}

const SOURCE_NOTE: Record<SampleSource, string> = {
  run: '',
  pinned: ' (pinned)',
  declared: ' (example)',
};

function detailOf(sample: DataSample | undefined, value: unknown = sample?.value): string {
  if (!sample) return 'no data yet';
  return `${describeValue(value)}${SOURCE_NOTE[sample.source]}`;
}

/** The steps after the root, parsed from `.a.\`b c\`[0]`. */
function parseSteps(text: string): Segment[] {
  const steps: Segment[] = [];
  const step = /\.([A-Za-z_][A-Za-z0-9_]*)|\.`([^`]*)`|\[(\d+)\]/y;
  for (let match = step.exec(text); match; match = step.exec(text)) {
    steps.push(match[3] === undefined ? (match[1] ?? match[2] ?? '') : Number(match[3]));
  }
  return steps;
}

/**
 * The sample value at `steps` below `value`. A field step on an array reads the field of its
 * first item, as JSONata maps a path over an array.
 */
function valueAt(value: unknown, steps: readonly Segment[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      current = Array.isArray(current) ? current[step] : undefined;
      continue;
    }
    while (Array.isArray(current)) current = current[0];
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

function fieldName(key: string): string {
  return IDENTIFIER.test(key) ? key : `\`${key.replaceAll('`', '')}\``;
}

/** Options whose label starts with what is typed (any case); all of them when nothing is. */
function matching(options: ExpressionCompletion[], typed: string): ExpressionCompletion[] {
  const prefix = typed.toLowerCase();
  return options.filter((option) => option.label.toLowerCase().startsWith(prefix));
}

/**
 * What may follow a value, each inserted over the dot typed before it: `[0]` for an array, then
 * the fields of the (first) object, quoted where JSONata needs it.
 */
function stepsAfter(value: unknown, sample: DataSample, partial: string): ExpressionCompletion[] {
  const options: ExpressionCompletion[] = [];
  let item = value;
  if (Array.isArray(value)) {
    if (value.length > 0 && partial === '') {
      options.push({
        label: '[0]',
        apply: '[0]',
        detail: detailOf(sample, value[0]),
        type: 'constant',
        boost: 2,
      });
    }
    while (Array.isArray(item)) item = item[0];
  }
  if (typeof item === 'object' && item !== null) {
    for (const [key, field] of Object.entries(item as Record<string, unknown>)) {
      options.push({
        label: key,
        apply: `.${fieldName(key)}`,
        detail: detailOf(sample, field),
        type: 'property',
        boost: 1,
      });
    }
  }
  return matching(options, partial);
}

/** The roots an expression starts from. */
function rootOptions(data: ExpressionData): ExpressionCompletion[] {
  const root = (label: string, detail: string, boost: number): ExpressionCompletion => ({
    label,
    apply: label,
    detail,
    type: 'variable',
    boost,
  });
  return [
    root('$', `input · ${detailOf(data.input)}`, 3),
    root('$nodes', `${data.nodes.length} upstream nodes`, 2),
    root('$trigger', `run input · ${detailOf(data.trigger)}`, 2),
  ];
}

/**
 * Completions for the JSONata `source` at `cursor`, or null when the cursor is not at a path.
 * `explicit`: asked for (Ctrl+Space), so roots are offered even where no `$` is typed.
 */
export function completeExpression(
  source: string,
  cursor: number,
  data: ExpressionData,
  explicit = false,
): CompletionResult | null {
  const before = source.slice(0, cursor);
  const match = PATH_AT_END.exec(before);
  if (!match) {
    return explicit && !/[A-Za-z0-9_`\]]$/.test(before)
      ? { from: cursor, options: rootOptions(data) }
      : null;
  }
  const path = match[0];
  const start = match.index;
  const root = /^\$[A-Za-z0-9_]*/.exec(path)?.[0] ?? '$';
  const rest = path.slice(root.length);
  if (rest === '') return { from: start, options: matching(rootOptions(data), root) };

  // `rest` ends with `.` or `.partial`: the step being typed, inserted over its dot.
  const tail = /\.([A-Za-z_0-9]*)$/.exec(rest);
  if (!tail) return null;
  const partial = tail[1] ?? '';
  const steps = parseSteps(rest.slice(0, tail.index));
  const from = start + root.length + tail.index;

  if (root === '$nodes') {
    if (steps.length === 0) {
      const options = data.nodes.map((node) => ({
        label: node.id,
        apply: nodeOutputRoot(node.id).slice('$nodes'.length),
        detail: `${node.label ? `${node.label} · ` : ''}${detailOf(node.sample)}`,
        type: 'variable' as const,
        boost: 1,
      }));
      return { from, options: matching(options, partial) };
    }
    const [nodeId, ...fieldSteps] = steps;
    const node = data.nodes.find((candidate) => candidate.id === nodeId);
    if (!node?.sample) return null;
    return {
      from,
      options: stepsAfter(valueAt(node.sample.value, fieldSteps), node.sample, partial),
    };
  }
  const sample = root === '$' ? data.input : root === '$trigger' ? data.trigger : undefined;
  if (!sample) return null;
  return { from, options: stepsAfter(valueAt(sample.value, steps), sample, partial) };
}
