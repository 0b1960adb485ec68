/**
 * The input the Run dialog offers and sends: the last input used for the flow in this browser,
 * else the manual trigger's sample input, else `{}`; and its JSON text parsed with an error that
 * names the line.
 */
import { findJsonSyntaxError } from './json-syntax-error.ts';

export const MANUAL_TRIGGER_TYPE = 'trigger.manual';

/** What the dialog needs of a node: its type and config. */
type TriggerCandidate = { data: { nodeType: string; config: Record<string, unknown> } };

/** The manual trigger's sample input, or `{}` (webhook and schedule triggers have none). */
export function sampleRunInput(nodes: readonly TriggerCandidate[]): unknown {
  const manual = nodes.find((node) => node.data.nodeType === MANUAL_TRIGGER_TYPE);
  const sample = manual?.data.config.sampleInput;
  return sample !== undefined && sample !== null ? sample : {};
}

export function formatRunInput(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export type ParsedRunInput =
  | { ok: true; value: unknown }
  | { ok: false; line: number; message: string };

/** The text as JSON, or what is wrong with it and on which line (1-based). */
export function parseRunInput(text: string): ParsedRunInput {
  if (text.trim() === '') {
    return { ok: false, line: 1, message: 'Line 1: enter a JSON value, e.g. {}' };
  }
  const problem = findJsonSyntaxError(text);
  if (problem) {
    return { ok: false, line: problem.line, message: `Line ${problem.line}: ${problem.reason}` };
  }
  return { ok: true, value: JSON.parse(text) };
}

const STORAGE_PREFIX = 'patchbay:run-input:';

/** The JSON text last run for the flow in this browser, if any. */
export function readLastRunInput(storage: Storage, flowId: string): string | null {
  try {
    return storage.getItem(STORAGE_PREFIX + flowId);
  } catch {
    // Storage can be unavailable (private mode, quota): the dialog falls back to the sample.
    return null;
  }
}

export function rememberRunInput(storage: Storage, flowId: string, text: string): void {
  try {
    storage.setItem(STORAGE_PREFIX + flowId, text);
  } catch {
    // Not remembered: the next dialog offers the sample input again.
  }
}

/** The text the dialog opens with. */
export function initialRunInputText(
  storage: Storage,
  flowId: string,
  nodes: readonly TriggerCandidate[],
): string {
  return readLastRunInput(storage, flowId) ?? formatRunInput(sampleRunInput(nodes));
}
