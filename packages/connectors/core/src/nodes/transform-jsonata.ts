/** transform.jsonata: reshapes data with a JSONata expression over `$`, `$nodes` and `$trigger`. */

import {
  defineNodeType,
  evaluateExpression,
  expressionField,
  PURE_NODE_POLICY,
} from '@patchbay/engine';
import { z } from 'zod';
import { TRANSFORM_JSONATA_DOCS } from './node-docs.ts';

const configSchema = z.strictObject({
  expression: expressionField('Expression').describe(
    'JSONata over `$` (the input), `$nodes.<id>` and `$trigger`; its value is the output.',
  ),
});

export type TransformJsonataConfig = z.infer<typeof configSchema>;

export const transformJsonataNode = defineNodeType({
  type: 'transform.jsonata',
  title: 'Transform (JSONata)',
  description:
    'Computes its output with a JSONata expression. `$` is the input, `$nodes.<id>` any earlier ' +
    "node's output, `$trigger` the run's input.",
  category: 'transform',
  configSchema,
  defaultConfig: { expression: '$' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  docs: TRANSFORM_JSONATA_DOCS,
  async execute(ctx) {
    const result = await evaluateExpression(ctx.config.expression, ctx, {
      nodeId: ctx.nodeId,
      field: 'expression',
    });
    // JSONata yields undefined for "no match"; outputs must be JSON, so that becomes null.
    return { output: result === undefined ? null : result };
  },
});
