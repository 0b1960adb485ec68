/** Webhook: the trigger.webhook node, started by HTTP requests to /hooks/<flowId or path>. */
import { defineConnector } from '@patchbay/engine';
import { WEBHOOK_ICON, webhookTriggerNode } from './trigger-webhook.ts';

export {
  DEFAULT_TOLERANCE_SECONDS,
  hmac,
  type SignatureCheck,
  type SignatureFailure,
  type SignatureScheme,
  type SignatureVerdict,
  signatureScheme,
  verifySignature,
} from './signature.ts';
export { WEBHOOK_ICON, WEBHOOK_NODE_TYPE, webhookTriggerNode } from './trigger-webhook.ts';
export {
  DEFAULT_SYNC_TIMEOUT_MS,
  HMAC_SECRET_CREDENTIAL,
  MAX_SYNC_TIMEOUT_MS,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_ENCODINGS,
  SIGNATURE_PRESETS,
  type SignatureAlgorithm,
  type SignatureEncoding,
  type SignaturePreset,
  WEBHOOK_METHODS,
  WEBHOOK_PATH_PATTERN,
  type WebhookConfig,
  type WebhookMethod,
  type WebhookSignatureConfig,
  webhookConfigSchema,
} from './webhook-config.ts';
export {
  formOf,
  headersOf,
  mediaTypeOf,
  parseWebhookBody,
  WebhookBodyError,
  type WebhookInput,
} from './webhook-input.ts';

export const webhookConnector = defineConnector({
  name: 'webhook',
  title: 'Webhook',
  description: 'Start a flow when an HTTP request arrives, with signature checks and idempotency.',
  icon: WEBHOOK_ICON,
  nodeTypes: [webhookTriggerNode],
  credentialTypes: [],
});
