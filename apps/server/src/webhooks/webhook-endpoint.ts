/** A flow's webhook as the ingress serves it: its trigger node and config, from a flow version. */
import { WEBHOOK_NODE_TYPE, type WebhookConfig } from '@patchbay/connector-webhook';
import type { ValidatedFlow } from '@patchbay/engine';

export type WebhookEndpoint = {
  flowId: string;
  flowName: string;
  flowVersionId: string;
  nodeId: string;
  config: WebhookConfig;
};

export const WEBHOOK_NODE_TYPE_ID = WEBHOOK_NODE_TYPE;

/** The webhook trigger of a flow, or undefined when the flow starts another way. */
export function webhookTriggerOf(
  flow: ValidatedFlow,
): { nodeId: string; config: WebhookConfig } | undefined {
  const trigger = flow.trigger;
  if (trigger.node.type !== WEBHOOK_NODE_TYPE) return undefined;
  // Parsed by the node type's schema during validation.
  return { nodeId: trigger.node.id, config: trigger.config as WebhookConfig };
}

/** Runs of a flow whose webhook answers with the run's result are awaited (run-completions.ts). */
export function isSyncWebhookFlow(flow: ValidatedFlow): boolean {
  return webhookTriggerOf(flow)?.config.responseMode === 'sync';
}
