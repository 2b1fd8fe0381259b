import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWebhookVerifierContract } from '../testing/webhook-verifier-contract.ts';
import { verifyStandardWebhook } from './verify-standard-webhook.ts';

// The published example of the Standard Webhooks libraries' tests ("sign function works"):
// https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
// (the same values in libraries/go/webhook_test.go, TestWebhookSign).
const published = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const publishedHeaders = { 'webhook-id': published.id, 'webhook-timestamp': String(published.timestamp), 'webhook-signature': published.signature };
const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** A sender, written from the spec: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the decoded secret. */
function signStandard(body: Uint8Array, secret: string, timestamp: number, id = published.id): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

const verifyPublished = (overrides: { headers?: Record<string, string>; body?: string; secrets?: string[]; now?: number } = {}) =>
  verifyStandardWebhook({
    body: Buffer.from(overrides.body ?? published.payload, 'utf8'),
    headers: overrides.headers ?? publishedHeaders,
    secrets: overrides.secrets ?? [published.secret],
    now: overrides.now ?? published.timestamp * 1000,
  });

describeWebhookVerifierContract('Standard Webhooks', {
  verify: verifyStandardWebhook,
  secrets: [published.secret, otherSecret],
  body: published.payload,
  signedAtSeconds: published.timestamp,
  sign: (body, secret, signedAt) => ({ 'webhook-id': published.id, 'webhook-timestamp': String(signedAt), 'webhook-signature': signStandard(body, secret, signedAt) }),
});

describe('verifyStandardWebhook', () => {
  it('accepts the published example at its own time, with webhook-id as the delivery id', () => {
    expect(verifyPublished()).toEqual({ ok: true, deliveryId: published.id, timestamp: published.timestamp * 1000 });
  });

  it('agrees with the published signature (the test sender is the spec algorithm)', () => {
    expect(signStandard(Buffer.from(published.payload), published.secret, published.timestamp)).toBe(published.signature);
  });

  it.each([[-300], [300]])('accepts the published example %s s from its timestamp', (offset) => {
    expect(verifyPublished({ now: (published.timestamp + offset) * 1000 })).toMatchObject({ ok: true });
  });

  it('refuses the published example more than five minutes later as STALE_TIMESTAMP', () => {
    expect(verifyPublished({ now: (published.timestamp + 301) * 1000 })).toMatchObject({ ok: false, reason: 'STALE_TIMESTAMP' });
  });

  it('refuses the published example more than five minutes before its timestamp as FUTURE_TIMESTAMP', () => {
    expect(verifyPublished({ now: (published.timestamp - 301) * 1000 })).toMatchObject({ ok: false, reason: 'FUTURE_TIMESTAMP' });
  });

  it('refuses a stale delivery as BAD_SIGNATURE when its signature is also wrong, so STALE means authentic', () => {
    const headers = { ...publishedHeaders, 'webhook-signature': signStandard(Buffer.from('{}'), published.secret, published.timestamp) };
    expect(verifyPublished({ headers, now: (published.timestamp + 3600) * 1000 })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it.each([
    ['another id', { 'webhook-id': 'msg_other' }],
    ['another timestamp within the tolerance', { 'webhook-timestamp': String(published.timestamp + 1) }],
  ])('refuses the published signature with %s as BAD_SIGNATURE (id and timestamp are signed)', (_case, changed) => {
    expect(verifyPublished({ headers: { ...publishedHeaders, ...changed } })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses the signature without its "v1," prefix as MALFORMED_HEADER', () => {
    const headers = { ...publishedHeaders, 'webhook-signature': published.signature.slice('v1,'.length) };
    expect(verifyPublished({ headers })).toEqual({ ok: false, reason: 'MALFORMED_HEADER', message: 'Entry 1 of webhook-signature is not "<version>,<signature>".' });
  });

  it.each([['truncated', published.signature.slice(0, -4)], ['hex instead of base64', `v1,${'ab'.repeat(32)}`], ['empty', 'v1,']])(
    'refuses a v1 signature that is %s as MALFORMED_HEADER',
    (_case, signature) => {
      expect(verifyPublished({ headers: { ...publishedHeaders, 'webhook-signature': signature } })).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
    },
  );

  it('refuses a header with only unknown signature versions as UNSUPPORTED_SIGNATURE_VERSION', () => {
    const signature = published.signature.slice('v1,'.length);
    const headers = { ...publishedHeaders, 'webhook-signature': `v1a,${signature} v2,${signature}` };
    expect(verifyPublished({ headers })).toEqual({
      ok: false,
      reason: 'UNSUPPORTED_SIGNATURE_VERSION',
      message: 'webhook-signature has 2 signature(s), none of version v1.',
    });
  });

  it('ignores unknown versions and wrong v1 signatures beside a matching one (the libraries\' multi-signature case)', () => {
    const wrong = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const headers = { ...publishedHeaders, 'webhook-signature': `v1,${wrong} v2,${wrong}  ${published.signature} v1,${wrong}` };
    expect(verifyPublished({ headers })).toMatchObject({ ok: true });
  });

  it('accepts a header signed with the old and the new secret when only the new one is still active', () => {
    const headers = { ...publishedHeaders, 'webhook-signature': `${signStandard(Buffer.from(published.payload), otherSecret, published.timestamp)} ${published.signature}` };
    expect(verifyPublished({ headers, secrets: [published.secret] })).toMatchObject({ ok: true });
  });

  it.each([
    ['without the whsec_ prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'does not start with whsec_'],
    ['with characters outside base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La!aSw', 'is not whsec_ followed by base64'],
    ['shorter than 24 bytes', `whsec_${Buffer.alloc(16).toString('base64')}`, 'is 16 bytes; Standard Webhooks secrets are 24 to 64'],
    ['longer than 64 bytes', `whsec_${Buffer.alloc(65).toString('base64')}`, 'is 65 bytes; Standard Webhooks secrets are 24 to 64'],
  ])('refuses a secret %s as MALFORMED_SECRET', (_case, secret, problem) => {
    expect(verifyPublished({ secrets: [secret] })).toEqual({ ok: false, reason: 'MALFORMED_SECRET', message: `Active secret 1 of 1 ${problem}.` });
  });

  it('refuses a webhook-id containing "." as MALFORMED_HEADER, as the spec asks', () => {
    const headers = { ...publishedHeaders, 'webhook-id': 'msg.1', 'webhook-signature': signStandard(Buffer.from(published.payload), published.secret, published.timestamp, 'msg.1') };
    expect(verifyPublished({ headers })).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
  });

  it('refuses a webhook-timestamp that is not whole seconds as MALFORMED_HEADER', () => {
    expect(verifyPublished({ headers: { ...publishedHeaders, 'webhook-timestamp': `${published.timestamp}abc` } })).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
  });
});
