/** "Listen for test event": capture the next request to a flow's webhook as sample data. */
import { FlowValidationError } from '@patchbay/engine';
import type { FlowService } from '../flows/flow-service.ts';
import type { CapturedRequest, WebhookCaptures } from './webhook-captures.ts';
import { WEBHOOK_NODE_TYPE_ID } from './webhook-endpoint.ts';
import { webhookPathOf } from './webhook-paths.ts';

export async function listenForTestEvent(
  deps: { flows: Pick<FlowService, 'get'>; captures: WebhookCaptures },
  flowId: string,
  signal: AbortSignal | undefined,
): Promise<{ captured: CapturedRequest | null }> {
  const flow = await deps.flows.get(flowId);
  const document = flow.document as { nodes?: { type?: unknown }[] };
  if (!document.nodes?.some((node) => node.type === WEBHOOK_NODE_TYPE_ID)) {
    throw new FlowValidationError(flow.name, [
      {
        code: 'graph.no_trigger',
        message: `Flow "${flow.name}" does not start with a webhook trigger, so it has no webhook to listen on.`,
        path: [],
      },
    ]);
  }
  const path = webhookPathOf(flow.document)?.path;
  const keys = path === undefined ? [flow.id] : [flow.id, path];
  const captured = await deps.captures.wait(flow.id, keys, signal ? { signal } : {});
  return { captured: captured ?? null };
}
