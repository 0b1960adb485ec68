/** hmacSecret: a shared secret for signing or verifying messages (webhook signatures). */
import { defineCredentialType, secretField } from '@patchbay/engine';
import { z } from 'zod';

export const hmacSecretSchema = z.strictObject({
  secret: z
    .string()
    .min(1, 'Secret is required')
    .meta({ title: 'Secret', ...secretField() }),
});

export type HmacSecretData = z.infer<typeof hmacSecretSchema>;

export const hmacSecretCredential = defineCredentialType({
  type: 'hmacSecret',
  title: 'HMAC secret',
  description: 'A shared secret for signing and verifying messages, e.g. webhook signatures.',
  schema: hmacSecretSchema,
  docs: `The shared secret a sender signs its messages with: GitHub's webhook secret, Stripe's
endpoint signing secret (\`whsec_…\`), Slack's signing secret, Shopify's app secret. Paste it exactly
as the provider shows it.

There is no **Test**: a signing secret is only checked when a signed message arrives.`,
});
