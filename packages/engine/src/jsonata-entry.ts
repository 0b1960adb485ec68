/**
 * `@patchbay/engine/jsonata`: JSONata evaluation under limits and its errors, without the rest of
 * the engine (zod, node types), for the sandbox process to load quickly. Every module it reaches
 * uses only erasable TypeScript syntax, so Node loads it without a TypeScript loader.
 */
export {
  ExpressionError,
  ExpressionNeedsIsolation,
  MAX_EXPRESSION_RESULT_CHARS,
} from './expression-limits.ts';
export { evaluateJsonata, type JsonataScope } from './jsonata-evaluation.ts';
export { jsonLengthExceeds } from './jsonata-fast-path.ts';
