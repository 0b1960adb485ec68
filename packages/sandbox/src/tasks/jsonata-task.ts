/**
 * Sandbox task `jsonata`: evaluates one expression to its end under JSONata's own per-step
 * limits. What those cannot stop (one long step, memory) the sandbox stops by killing the process.
 */
import {
  ExpressionError,
  evaluateJsonata,
  type JsonataScope,
  jsonLengthExceeds,
  MAX_EXPRESSION_RESULT_CHARS,
} from '@patchbay/engine/jsonata';

export type JsonataTaskInput = JsonataScope & { source: string; timeoutMs: number };

export default async function evaluate(input: JsonataTaskInput): Promise<unknown> {
  const result = await evaluateJsonata(input.source, input, { timeoutMs: input.timeoutMs });
  // Checked before the result is serialised: a 200-million-character string is refused at once.
  if (jsonLengthExceeds(result, MAX_EXPRESSION_RESULT_CHARS)) {
    throw ExpressionError.memory(
      'result',
      `a result of more than ${MAX_EXPRESSION_RESULT_CHARS} characters of JSON`,
      MAX_EXPRESSION_RESULT_CHARS,
    );
  }
  return result;
}
