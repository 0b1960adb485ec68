/**
 * HMAC signature checks over a webhook's raw body, as GitHub, Stripe, Slack, Shopify (and any
 * sender configured field by field) sign their deliveries. Pure: the secret, the headers, the raw
 * bytes and the time come in; a verdict comes out. Signatures are compared as bytes in constant
 * time, and a signed timestamp outside the tolerance is refused (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  SignatureAlgorithm,
  SignatureEncoding,
  SignaturePreset,
  WebhookSignatureConfig,
} from './webhook-config.ts';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A signature config with every field decided (preset defaults under the node's own fields). */
export type SignatureScheme = {
  preset: SignaturePreset;
  /** Lower-cased. */
  header: string;
  algorithm: SignatureAlgorithm;
  encoding: SignatureEncoding;
  prefix: string;
  /** Lower-cased; undefined: no timestamp (GitHub, Shopify, generic without one). */
  timestampHeader: string | undefined;
  toleranceSeconds: number;
};

const PRESET_SCHEMES: Record<
  Exclude<SignaturePreset, 'generic'>,
  Omit<SignatureScheme, 'preset'>
> = {
  github: {
    header: 'x-hub-signature-256',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'sha256=',
    timestampHeader: undefined,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  },
  // Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]; signed text "<t>.<body>".
  stripe: {
    header: 'stripe-signature',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: '',
    timestampHeader: undefined,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  },
  // X-Slack-Signature: v0=<hex> over "v0:<X-Slack-Request-Timestamp>:<body>".
  slack: {
    header: 'x-slack-signature',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'v0=',
    timestampHeader: 'x-slack-request-timestamp',
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  },
  shopify: {
    header: 'x-shopify-hmac-sha256',
    algorithm: 'sha256',
    encoding: 'base64',
    prefix: '',
    timestampHeader: undefined,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  },
};

export function signatureScheme(config: WebhookSignatureConfig): SignatureScheme {
  const preset = config.preset;
  const base =
    preset === 'generic'
      ? {
          header: '',
          algorithm: 'sha256' as const,
          encoding: 'hex' as const,
          prefix: '',
          timestampHeader: undefined,
          toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
        }
      : PRESET_SCHEMES[preset];
  return {
    preset,
    header: (config.header ?? base.header).toLowerCase(),
    algorithm: config.algorithm ?? base.algorithm,
    encoding: config.encoding ?? base.encoding,
    prefix: config.prefix ?? base.prefix,
    timestampHeader: (config.timestampHeader ?? base.timestampHeader)?.toLowerCase(),
    toleranceSeconds: config.toleranceSeconds ?? base.toleranceSeconds,
  };
}

export type SignatureFailure =
  | 'missing-signature'
  | 'malformed-signature'
  | 'missing-timestamp'
  | 'timestamp-outside-tolerance'
  | 'mismatch';

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: SignatureFailure; message: string };

export type SignatureCheck = {
  scheme: SignatureScheme;
  secret: string;
  /** Lower-cased names; a repeated header's values joined as Node joins them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
  /** Unix milliseconds now. */
  nowMs: number;
};

export function verifySignature(check: SignatureCheck): SignatureVerdict {
  const { scheme } = check;
  const value = headerValue(check.headers, scheme.header);
  if (value === undefined || value === '') {
    return fail('missing-signature', `The request has no ${scheme.header} header`);
  }
  if (scheme.preset === 'stripe') return verifyStripe(check, value);

  let timestamp: string | undefined;
  if (scheme.timestampHeader !== undefined) {
    timestamp = headerValue(check.headers, scheme.timestampHeader);
    if (timestamp === undefined || timestamp === '') {
      return fail('missing-timestamp', `The request has no ${scheme.timestampHeader} header`);
    }
    const stale = checkTolerance(timestamp, scheme.toleranceSeconds, check.nowMs);
    if (stale) return stale;
  }
  if (!value.startsWith(scheme.prefix)) {
    return fail(
      'malformed-signature',
      `The ${scheme.header} header does not start with "${scheme.prefix}"`,
    );
  }
  const given = decodeSignature(value.slice(scheme.prefix.length), scheme.encoding);
  if (!given) {
    return fail('malformed-signature', `The ${scheme.header} header is not ${scheme.encoding}`);
  }
  const signed =
    timestamp === undefined
      ? [check.rawBody]
      : scheme.preset === 'slack'
        ? [Buffer.from(`v0:${timestamp}:`), check.rawBody]
        : [Buffer.from(`${timestamp}.`), check.rawBody];
  const expected = hmac(scheme.algorithm, check.secret, signed);
  return sameBytes(given, expected) ? { ok: true } : mismatch(scheme.header);
}

/** Stripe: `t=<seconds>,v1=<hex>`, possibly several v1 entries while a secret is rolled. */
function verifyStripe(check: SignatureCheck, value: string): SignatureVerdict {
  const { scheme } = check;
  let timestamp: string | undefined;
  const candidates: Buffer[] = [];
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const key = part.slice(0, separator).trim();
    const item = part.slice(separator + 1).trim();
    if (key === 't') timestamp = item;
    else if (key === 'v1') {
      const decoded = decodeSignature(item, 'hex');
      if (decoded) candidates.push(decoded);
    }
  }
  if (timestamp === undefined) {
    return fail('missing-timestamp', `The ${scheme.header} header has no t= timestamp`);
  }
  if (candidates.length === 0) {
    return fail('malformed-signature', `The ${scheme.header} header has no v1= signature`);
  }
  const stale = checkTolerance(timestamp, scheme.toleranceSeconds, check.nowMs);
  if (stale) return stale;
  const expected = hmac(scheme.algorithm, check.secret, [
    Buffer.from(`${timestamp}.`),
    check.rawBody,
  ]);
  // Every candidate is compared, so the time taken does not tell which one matched.
  let matched = false;
  for (const candidate of candidates) matched = sameBytes(candidate, expected) || matched;
  return matched ? { ok: true } : mismatch(scheme.header);
}

function checkTolerance(
  timestamp: string,
  toleranceSeconds: number,
  nowMs: number,
): SignatureVerdict | undefined {
  if (!/^\d{1,12}$/.test(timestamp)) {
    return fail('missing-timestamp', 'The signed timestamp is not a number of Unix seconds');
  }
  const skewSeconds = Math.abs(nowMs / 1_000 - Number(timestamp));
  if (skewSeconds > toleranceSeconds) {
    return fail(
      'timestamp-outside-tolerance',
      `The signed timestamp is ${Math.round(skewSeconds)} s away from now; at most ${toleranceSeconds} s is accepted (a replayed or delayed delivery)`,
    );
  }
  return undefined;
}

export function hmac(
  algorithm: SignatureAlgorithm,
  secret: string,
  parts: readonly Buffer[],
): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | undefined {
  const trimmed = text.trim();
  if (encoding === 'hex') {
    return /^(?:[0-9a-fA-F]{2})+$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const decoded = Buffer.from(trimmed, 'base64');
  return decoded.length > 0 ? decoded : undefined;
}

function sameBytes(given: Buffer, expected: Buffer): boolean {
  // A wrong length says nothing about the secret; equal lengths are compared in constant time.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function headerValue(headers: SignatureCheck['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function fail(reason: SignatureFailure, message: string): SignatureVerdict {
  return { ok: false, reason, message };
}

function mismatch(header: string): SignatureVerdict {
  return fail('mismatch', `The ${header} signature does not match the request body`);
}
