/**
 * The config of a trigger.webhook node: which requests it accepts (method, path), how it answers
 * (async 202 or the run's result), deduplication, an optional rate limit and an optional HMAC
 * signature check, with presets for the common senders.
 */
import { uiHint } from '@patchbay/engine';
import { z } from 'zod';

export const WEBHOOK_METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'ANY'] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

export const WEBHOOK_RESPONSE_MODES = ['async', 'sync'] as const;
export const DEFAULT_SYNC_TIMEOUT_MS = 30_000;
export const MAX_SYNC_TIMEOUT_MS = 300_000;

export const SIGNATURE_PRESETS = ['generic', 'github', 'stripe', 'slack', 'shopify'] as const;
export type SignaturePreset = (typeof SIGNATURE_PRESETS)[number];
export const SIGNATURE_ALGORITHMS = ['sha256', 'sha1', 'sha512'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];
export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];

/** The credential type that holds a webhook's signing secret. */
export const HMAC_SECRET_CREDENTIAL = 'hmacSecret';

/** A path is one URL-safe segment, and never looks like a flow id (those are served too). */
export const WEBHOOK_PATH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 9110 token characters: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$/;

const headerName = (label: string) =>
  z
    .string()
    .regex(HEADER_NAME, `${label} must be an HTTP header name (letters, digits, - and _)`)
    .transform((name) => name.toLowerCase());

const presetIs = (...presets: SignaturePreset[]) =>
  uiHint({ showIf: { field: 'preset', equals: presets } });

const signatureSchema = z
  .strictObject({
    preset: z
      .enum(SIGNATURE_PRESETS, {
        error: `Signature preset must be one of ${SIGNATURE_PRESETS.join(', ')}`,
      })
      .default('generic')
      .describe('Who signs the requests: the preset fills in the header, format and algorithm'),
    credentialId: z
      .string({ error: 'Signature needs a credential (an HMAC secret)' })
      .min(1, 'Signature needs a credential (an HMAC secret)')
      .describe('The hmacSecret credential holding the signing secret')
      .meta({
        title: 'Credential',
        ...uiHint({ widget: 'credential', credentialTypes: [HMAC_SECRET_CREDENTIAL] }),
      }),
    header: headerName('Signature header')
      .optional()
      .describe('The header carrying the signature (generic: required)')
      .meta(presetIs('generic')),
    algorithm: z
      .enum(SIGNATURE_ALGORITHMS, {
        error: `Signature algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`,
      })
      .optional()
      .describe('HMAC hash (default sha256)')
      .meta(presetIs('generic')),
    encoding: z
      .enum(SIGNATURE_ENCODINGS, {
        error: `Signature encoding must be one of ${SIGNATURE_ENCODINGS.join(', ')}`,
      })
      .optional()
      .describe('How the signature is written (default hex)')
      .meta(presetIs('generic')),
    prefix: z
      .string()
      .max(50, 'Signature prefix must be at most 50 characters')
      .optional()
      .describe('Text before the signature in the header, e.g. "sha256="')
      .meta(presetIs('generic')),
    timestampHeader: headerName('Timestamp header')
      .optional()
      .describe(
        'A header with the send time in Unix seconds; the signed text is then "<timestamp>.<body>"',
      )
      .meta(presetIs('generic')),
    toleranceSeconds: z
      .number({ error: 'Tolerance must be a number of seconds' })
      .int('Tolerance must be a whole number of seconds')
      .min(1, 'Tolerance must be at least 1 second')
      .max(86_400, 'Tolerance must be at most 86400 seconds (a day)')
      .optional()
      .describe('How old (or early) a signed timestamp may be; default 300')
      .meta(presetIs('generic', 'stripe', 'slack')),
  })
  .superRefine((signature, ctx) => {
    if (signature.preset === 'generic' && signature.header === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['header'],
        message: 'A generic signature needs the header that carries it',
      });
    }
  });

export const webhookConfigSchema = z.strictObject({
  method: z
    .enum(WEBHOOK_METHODS, { error: `Method must be one of ${WEBHOOK_METHODS.join(', ')}` })
    .default('POST')
    .describe('The HTTP method accepted (ANY: every method)'),
  path: z
    .string()
    .regex(
      WEBHOOK_PATH_PATTERN,
      'Path must be 1–128 letters, digits, - or _, starting with a letter or digit',
    )
    .refine((path) => !UUID_SHAPE.test(path), 'Path must not look like a flow id (a UUID)')
    .optional()
    .describe('Also serve the flow at /hooks/<path>; unique across active flows'),
  responseMode: z
    .enum(WEBHOOK_RESPONSE_MODES, { error: 'Response mode must be async or sync' })
    .default('async')
    .describe('async: answer 202 at once; sync: answer with the run’s result'),
  syncTimeoutMs: z
    .number({ error: 'Sync timeout must be a number of milliseconds' })
    .int('Sync timeout must be a whole number of milliseconds')
    .min(1, 'Sync timeout must be at least 1 ms')
    .max(MAX_SYNC_TIMEOUT_MS, `Sync timeout must be at most ${MAX_SYNC_TIMEOUT_MS} ms (5 minutes)`)
    .default(DEFAULT_SYNC_TIMEOUT_MS)
    .describe('In sync mode: answer 202 { runId } when the run takes longer')
    .meta(uiHint({ showIf: { field: 'responseMode', equals: 'sync' }, unit: 'ms' })),
  idempotencyHeader: headerName('Idempotency header')
    .optional()
    .describe('A header whose value identifies a delivery: a repeated value returns the first run')
    .meta(uiHint({ advanced: true, placeholder: 'X-GitHub-Delivery' })),
  rateLimit: z
    .strictObject({
      limit: z
        .number({ error: 'Rate limit must be a number of requests' })
        .int('Rate limit must be a whole number')
        .min(1, 'Rate limit must be at least 1 request')
        .max(1_000_000, 'Rate limit must be at most 1000000 requests'),
      periodMs: z
        .number({ error: 'Rate limit period must be a number of milliseconds' })
        .int('Rate limit period must be a whole number of milliseconds')
        .min(100, 'Rate limit period must be at least 100 ms')
        .max(86_400_000, 'Rate limit period must be at most a day'),
    })
    .optional()
    .describe('At most `limit` requests per `periodMs`; more get 429 with Retry-After')
    .meta(uiHint({ advanced: true })),
  signature: signatureSchema.optional().describe('Verify an HMAC signature over the raw body'),
});

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookSignatureConfig = NonNullable<WebhookConfig['signature']>;
