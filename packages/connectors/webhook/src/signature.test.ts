import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureScheme, verifySignature } from './signature.ts';
import { webhookConfigSchema } from './webhook-config.ts';

const SECRET = 'whsec_test_0123456789';
const BODY = Buffer.from('{"id":"evt_1","amount":4200,"note":"caf\u00e9"}');
const NOW_MS = Date.UTC(2026, 11, 4, 12, 0, 0);
const NOW_S = Math.floor(NOW_MS / 1000);

const mac = (algorithm: string, text: Buffer | string, encoding: 'hex' | 'base64' = 'hex') =>
  createHmac(algorithm, SECRET).update(text).digest(encoding);

function schemeOf(signature: Record<string, unknown>) {
  const config = webhookConfigSchema.parse({ signature: { credentialId: 'c1', ...signature } });
  if (!config.signature) throw new Error('no signature');
  return signatureScheme(config.signature);
}

function verify(
  signature: Record<string, unknown>,
  headers: Record<string, string>,
  body: Buffer = BODY,
  nowMs = NOW_MS,
) {
  return verifySignature({
    scheme: schemeOf(signature),
    secret: SECRET,
    headers,
    rawBody: body,
    nowMs,
  });
}

describe('webhook signatures', () => {
  it('github: sha256=<hex> of the body in X-Hub-Signature-256', () => {
    const header = `sha256=${mac('sha256', BODY)}`;
    expect(verify({ preset: 'github' }, { 'x-hub-signature-256': header })).toEqual({ ok: true });
    const tampered = Buffer.from(BODY.toString().replace('4200', '4201'));
    expect(verify({ preset: 'github' }, { 'x-hub-signature-256': header }, tampered)).toMatchObject(
      {
        ok: false,
        reason: 'mismatch',
      },
    );
    expect(verify({ preset: 'github' }, {})).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
    expect(
      verify({ preset: 'github' }, { 'x-hub-signature-256': mac('sha256', BODY) }),
    ).toMatchObject({
      ok: false,
      reason: 'malformed-signature',
    });
  });

  it('stripe: t=<s>,v1=<hex> over "<t>.<body>", any of several v1 entries', () => {
    const v1 = mac('sha256', Buffer.concat([Buffer.from(`${NOW_S}.`), BODY]));
    const other = mac('sha256', 'something else');
    expect(verify({ preset: 'stripe' }, { 'stripe-signature': `t=${NOW_S},v1=${v1}` })).toEqual({
      ok: true,
    });
    expect(
      verify(
        { preset: 'stripe' },
        { 'stripe-signature': `t=${NOW_S},v1=${other},v1=${v1},v0=abc` },
      ),
    ).toEqual({ ok: true });
    // The timestamp is signed: moving it breaks the signature.
    expect(
      verify({ preset: 'stripe' }, { 'stripe-signature': `t=${NOW_S + 1},v1=${v1}` }),
    ).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verify({ preset: 'stripe' }, { 'stripe-signature': `v1=${v1}` })).toMatchObject({
      ok: false,
      reason: 'missing-timestamp',
    });
  });

  it('stripe: refuses a correctly signed delivery replayed outside the tolerance', () => {
    const sentAt = NOW_S - 301;
    const v1 = mac('sha256', Buffer.concat([Buffer.from(`${sentAt}.`), BODY]));
    const headers = { 'stripe-signature': `t=${sentAt},v1=${v1}` };
    expect(verify({ preset: 'stripe' }, headers)).toMatchObject({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    // Within a wider tolerance the same delivery is fine, and so it is 300 s later at most.
    expect(verify({ preset: 'stripe', toleranceSeconds: 600 }, headers)).toEqual({ ok: true });
    expect(verify({ preset: 'stripe' }, headers, BODY, (sentAt + 300) * 1000)).toEqual({
      ok: true,
    });
  });

  it('slack: v0=<hex> over "v0:<ts>:<body>" with X-Slack-Request-Timestamp', () => {
    const sig = `v0=${mac('sha256', Buffer.concat([Buffer.from(`v0:${NOW_S}:`), BODY]))}`;
    const headers = { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(NOW_S) };
    expect(verify({ preset: 'slack' }, headers)).toEqual({ ok: true });
    expect(verify({ preset: 'slack' }, { 'x-slack-signature': sig })).toMatchObject({
      ok: false,
      reason: 'missing-timestamp',
    });
    expect(verify({ preset: 'slack' }, headers, BODY, NOW_MS + 301_000)).toMatchObject({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    expect(verify({ preset: 'slack' }, headers, BODY, NOW_MS - 301_000)).toMatchObject({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
  });

  it('shopify: base64 of the body in X-Shopify-Hmac-Sha256', () => {
    const sig = mac('sha256', BODY, 'base64');
    expect(verify({ preset: 'shopify' }, { 'x-shopify-hmac-sha256': sig })).toEqual({ ok: true });
    expect(
      verify({ preset: 'shopify' }, { 'x-shopify-hmac-sha256': mac('sha256', BODY) }),
    ).toMatchObject({
      ok: false,
    });
  });

  it('generic: header, algorithm, encoding and prefix as configured', () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      for (const encoding of ['hex', 'base64'] as const) {
        const signature = { header: 'X-Signature', algorithm, encoding, prefix: `${algorithm}:` };
        const headers = { 'x-signature': `${algorithm}:${mac(algorithm, BODY, encoding)}` };
        expect(verify(signature, headers), `${algorithm} ${encoding}`).toEqual({ ok: true });
        const wrongAlgorithm = algorithm === 'sha1' ? 'sha256' : 'sha1';
        const wrong = { 'x-signature': `${algorithm}:${mac(wrongAlgorithm, BODY, encoding)}` };
        expect(verify(signature, wrong).ok).toBe(false);
      }
    }
  });

  it('generic with a timestamp header signs "<ts>.<body>" and checks the tolerance', () => {
    const signature = { header: 'x-sig', timestampHeader: 'X-Timestamp', toleranceSeconds: 60 };
    const at = (ts: number) => ({
      'x-sig': mac('sha256', Buffer.concat([Buffer.from(`${ts}.`), BODY])),
      'x-timestamp': String(ts),
    });
    expect(verify(signature, at(NOW_S - 60))).toEqual({ ok: true });
    expect(verify(signature, at(NOW_S - 61))).toMatchObject({
      reason: 'timestamp-outside-tolerance',
    });
    expect(verify(signature, { ...at(NOW_S), 'x-timestamp': 'yesterday' })).toMatchObject({
      reason: 'missing-timestamp',
    });
  });

  it('a signature with another secret does not match', () => {
    const header = `sha256=${createHmac('sha256', 'another secret').update(BODY).digest('hex')}`;
    expect(verify({ preset: 'github' }, { 'x-hub-signature-256': header })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('webhook config', () => {
  it('fills in the defaults', () => {
    expect(webhookConfigSchema.parse({})).toEqual({
      method: 'POST',
      responseMode: 'async',
      syncTimeoutMs: 30_000,
    });
  });

  it('names the field of each mistake', () => {
    const parsed = webhookConfigSchema.safeParse({
      path: 'has/slash',
      syncTimeoutMs: 300_001,
      method: 'TRACE',
      signature: { credentialId: 'c1' },
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['path', expect.stringContaining('Path must be')],
        ['syncTimeoutMs', expect.stringContaining('at most 300000')],
        ['method', expect.stringContaining('Method must be one of')],
        ['signature.header', 'A generic signature needs the header that carries it'],
      ]),
    );
  });

  it('refuses a path shaped like a flow id', () => {
    expect(
      webhookConfigSchema.safeParse({ path: '3f2b8c1e-1111-4aaa-8bbb-0123456789ab' }).success,
    ).toBe(false);
    expect(webhookConfigSchema.safeParse({ path: 'orders_2026-v1' }).success).toBe(true);
  });
});
