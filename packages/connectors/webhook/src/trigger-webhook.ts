/** trigger.webhook: starts a run for each HTTP request to /hooks/<flowId> or /hooks/<path>. */
import { defineNodeType, PURE_NODE_POLICY } from '@patchbay/engine';
import {
  HMAC_SECRET_CREDENTIAL,
  type WebhookConfig,
  webhookConfigSchema,
} from './webhook-config.ts';
import { WEBHOOK_DOCS } from './webhook-docs.ts';

export const WEBHOOK_NODE_TYPE = 'trigger.webhook';

export const WEBHOOK_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M18 16.98h-5.99c-1.1 0-1.95.94-2.48 1.9A4 4 0 0 1 2 17c.01-.7.2-1.4.57-2"/><path d="m6 17 3.13-5.78c.53-.97.1-2.18-.5-3.1a4 4 0 1 1 6.89-4.06"/><path d="m12 6 3.13 5.73C15.66 12.7 16.9 13 18 13a4 4 0 0 1 0 8"/></svg>';

export const webhookTriggerNode = defineNodeType<WebhookConfig>({
  type: WEBHOOK_NODE_TYPE,
  title: 'Webhook',
  description:
    'Starts the flow when an HTTP request arrives at /hooks/<flow id> (or its path). Its output ' +
    'is the request: { method, path, headers, query, body }.',
  category: 'trigger',
  configSchema: webhookConfigSchema,
  inputs: [],
  outputs: [{ id: 'out', label: 'Request' }],
  sideEffects: false,
  policyDefaults: PURE_NODE_POLICY,
  credentialTypes: [HMAC_SECRET_CREDENTIAL],
  // Served by the server's own ingress (apps/server/src/webhooks): nothing to activate.
  trigger: { kind: 'webhook', servedBy: 'server' },
  icon: WEBHOOK_ICON,
  docs: WEBHOOK_DOCS,
  outputExample: {
    value: { method: 'POST', path: '', headers: {}, query: {}, body: {} },
  },
  // The executor hands a trigger node the run's trigger input: the request.
  execute: async (ctx) => ({ output: ctx.input }),
});
