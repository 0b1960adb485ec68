/** Runs one node type outside a flow: parses its config like validation does, then executes it. */
import { credentialNotFound } from '../connector/credential-access.ts';
import { inProcessExpressionEvaluator } from '../expression-evaluator.ts';
import { DEFAULT_EXPRESSION_TIMEOUT_MS } from '../expression-limits.ts';
import { createFakeClock } from '../fake-clock.ts';
import type { NodeExecutionContext, NodeResult, NodeTypeDefinition } from '../node-type.ts';

export type NodeRunOptions = Partial<Omit<NodeExecutionContext<unknown>, 'config'>>;

export function runNodeType(
  definition: NodeTypeDefinition,
  rawConfig: Record<string, unknown>,
  options: NodeRunOptions = {},
): Promise<NodeResult> {
  return definition.execute({
    runId: 'run-1',
    flowName: 'Test flow',
    nodeId: 'node',
    input: {},
    nodes: {},
    trigger: {},
    idempotencyKey: `run-1:${options.nodeId ?? 'node'}`,
    signal: new AbortController().signal,
    clock: createFakeClock(),
    attempt: 1,
    upstream: (_target, call) => call(),
    credential: (credentialId) => Promise.reject(credentialNotFound(credentialId, 'node')),
    connection: (credentialId) => Promise.reject(credentialNotFound(credentialId, 'node')),
    redactSecrets: () => {},
    expressions: {
      evaluator: inProcessExpressionEvaluator,
      timeoutMs: DEFAULT_EXPRESSION_TIMEOUT_MS,
    },
    ...options,
    config: definition.configSchema.parse(rawConfig),
  });
}
