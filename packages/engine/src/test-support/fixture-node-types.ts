/**
 * Small node types for the engine's own tests, so that they depend on no connector: a trigger,
 * a JSONata transform, a branch and a call with a URL (egress targets, extra retry fields).
 */
import { z } from 'zod';
import { expressionField, templateField } from '../config-fields.ts';
import { NodeExecutionError } from '../errors.ts';
import { evaluateExpression } from '../expression.ts';
import { defineNodeType, PURE_NODE_POLICY } from '../node-type.ts';
import { defineRetryOptions } from '../resilience/policy.ts';
import { isTemplate } from '../template.ts';

export const fixtureTriggerNode = defineNodeType({
  type: 'test.trigger',
  title: 'Test trigger',
  description: 'Outputs the run input.',
  category: 'trigger',
  configSchema: z.strictObject({}),
  inputs: [],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  execute: async (ctx) => ({ output: ctx.input }),
});

export const fixtureTransformNode = defineNodeType({
  type: 'test.transform',
  title: 'Test transform',
  description: 'Outputs a JSONata expression over its input.',
  category: 'transform',
  configSchema: z.strictObject({ expression: expressionField('Expression') }),
  defaultConfig: { expression: '$' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [{ id: 'out', label: 'Output' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  async execute(ctx) {
    const site = { nodeId: ctx.nodeId, field: 'expression' };
    const result = await evaluateExpression(ctx.config.expression, ctx, site);
    return { output: result === undefined ? null : result };
  },
});

export const fixtureBranchNode = defineNodeType({
  type: 'test.if',
  title: 'Test branch',
  description: 'Passes its input through the "true" or the "false" port.',
  category: 'logic',
  configSchema: z.strictObject({ condition: expressionField('Condition') }),
  defaultConfig: { condition: 'true' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [
    { id: 'true', label: 'True' },
    { id: 'false', label: 'False' },
  ],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  async execute(ctx) {
    const site = { nodeId: ctx.nodeId, field: 'condition' };
    const result = await evaluateExpression(`$boolean(${ctx.config.condition})`, ctx, site);
    return { output: ctx.input, port: result === true ? 'true' : 'false' };
  },
});

const callConfigSchema = z.strictObject({
  url: templateField('URL').superRefine((url, ctx) => {
    if (isTemplate(url) || parseUrl(url)) return;
    ctx.addIssue({ code: 'custom', message: 'URL must be a valid http(s) URL', input: url });
  }),
  payload: z.unknown().optional(),
});

/**
 * A call to a URL that never leaves the process: names its destination (egress targets) and
 * adds a retry field, `retryCodes`, whose listed error codes are always retried.
 */
export const fixtureCallNode = defineNodeType({
  type: 'test.call',
  title: 'Test call',
  description: 'Pretends to call its URL; fails with the code in the input’s `fail`, if any.',
  category: 'action',
  configSchema: callConfigSchema,
  defaultConfig: { url: 'https://example.com' },
  inputs: [{ id: 'in', label: 'Input' }],
  outputs: [{ id: 'out', label: 'Output' }],
  retryOptions: defineRetryOptions({
    fields: { retryCodes: z.array(z.string()).max(10).describe('Codes always retried.') },
    defaults: { retryCodes: [] },
    classify: (error, retry) => (retry.retryCodes.includes(error.code) ? true : undefined),
  }),
  egressTargets: (config) => {
    const url = isTemplate(config.url) ? undefined : parseUrl(config.url);
    return url ? [{ path: ['url'], host: url.hostname, port: Number(url.port) || 80 }] : [];
  },
  async execute(ctx) {
    const fail = (ctx.input as { fail?: unknown } | null)?.fail;
    if (typeof fail === 'string') {
      throw new NodeExecutionError(ctx.nodeId, fail, `Node "${ctx.nodeId}" failed with ${fail}`);
    }
    return { output: { url: ctx.config.url } };
  },
});

export const FIXTURE_NODE_TYPES = [
  fixtureTriggerNode,
  fixtureTransformNode,
  fixtureBranchNode,
  fixtureCallNode,
] as const;

function parseUrl(text: string): URL | undefined {
  const url = URL.parse(text.trim());
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
}
