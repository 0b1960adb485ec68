/**
 * Which flow a request to /hooks/<key> reaches, from the trigger manager's memory (no query): the
 * active flow whose id is the key, or whose webhook trigger has the key as its path. The path
 * index is rebuilt after the manager reports a change. A flow switched off elsewhere a moment
 * ago may still be found here; the run intake then refuses its run (FLOW_INACTIVE: 404).
 */
import type { WebhookConfig } from '@patchbay/connector-webhook';
import type { ActiveTrigger, TriggerManager } from '../triggers/trigger-manager.ts';
import { isUuid } from '../uuid.ts';
import { WEBHOOK_NODE_TYPE_ID, type WebhookEndpoint } from './webhook-endpoint.ts';

export type ActiveWebhookSource = Pick<
  TriggerManager,
  'activeTrigger' | 'activeTriggers' | 'onChange'
>;

export class WebhookDirectory {
  private byPath: Map<string, ActiveTrigger> | undefined;

  constructor(private readonly triggers: ActiveWebhookSource) {
    triggers.onChange(() => {
      this.byPath = undefined;
    });
  }

  /** The active webhook served at /hooks/<key>, or undefined (404). */
  resolve(key: string): WebhookEndpoint | undefined {
    const trigger = isUuid(key) ? this.triggers.activeTrigger(key) : this.paths().get(key);
    if (!trigger || trigger.nodeType !== WEBHOOK_NODE_TYPE_ID || trigger.error !== undefined) {
      return undefined;
    }
    return {
      flowId: trigger.flowId,
      flowName: trigger.flowName,
      flowVersionId: trigger.flowVersionId,
      nodeId: trigger.nodeId,
      // Parsed by the node type's schema when the trigger was activated.
      config: trigger.config as WebhookConfig,
    };
  }

  /** The active flow whose webhook has this path, other than `exceptFlowId`. */
  pathOwner(path: string, exceptFlowId?: string): WebhookEndpoint | undefined {
    const endpoint = this.resolve(path);
    return endpoint && endpoint.flowId !== exceptFlowId ? endpoint : undefined;
  }

  private paths(): Map<string, ActiveTrigger> {
    if (this.byPath) return this.byPath;
    const byPath = new Map<string, ActiveTrigger>();
    const triggers = this.triggers
      .activeTriggers('webhook')
      // The first switched on keeps a path, should two ever share one.
      .sort((a, b) => a.activeSince.getTime() - b.activeSince.getTime());
    for (const trigger of triggers) {
      const path = (trigger.config as WebhookConfig).path;
      if (path !== undefined && !byPath.has(path)) byPath.set(path, trigger);
    }
    this.byPath = byPath;
    return byPath;
  }
}
