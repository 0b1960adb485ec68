/** logic.if: passes its input on through the `true` or the `false` port. */

import {
  defineNodeType,
  evaluateExpression,
  expressionField,
  PURE_NODE_POLICY,
} from '@patchbay/engine';
import { z } from 'zod';
import { LOGIC_IF_DOCS } from './node-docs.ts';

const configSchema = z.strictObject({
  condition: expressionField('Condition').describe(
    'JSONata; a truthy value takes the "true" port, anything else the "false" port.',
  ),
});

export type LogicIfConfig = z.infer<typeof configSchema>;

export const logicIfNode = defineNodeType({
  type: 'logic.if',
  title: 'If',
  description:
    'Evaluates a JSONata condition and sends the input, unchanged, out of the "true" or the ' +
    '"false" port.',
  category: 'logic',
  configSchema,
  defaultConfig: { condition: 'true' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [
    { id: 'true', label: 'True' },
    { id: 'false', label: 'False' },
  ],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  docs: LOGIC_IF_DOCS,
  outputExample: { input: true },
  async execute(ctx) {
    const result = await evaluateExpression(ctx.config.condition, ctx, {
      nodeId: ctx.nodeId,
      field: 'condition',
    });
    return { output: ctx.input, port: isTruthy(result) ? 'true' : 'false' };
  },
});

/** JSONata's `$boolean` rules, so a condition means the same here as inside an expression. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === 'function') return false;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
