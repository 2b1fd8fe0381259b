import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWebhookVerifierContract } from '../testing/webhook-verifier-contract.ts';
import { verifyGithubWebhook } from './verify-github-webhook.ts';

// GitHub's documented test values, "Testing the webhook payload validation" in
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
const published = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const deliveryId = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
const publishedHeaders = { 'X-Hub-Signature-256': published.signature, 'X-GitHub-Delivery': deliveryId, 'X-GitHub-Event': 'push' };

/** A sender, written from GitHub's docs: hex HMAC-SHA256 of the body under the secret. */
const signGithub = (body: Uint8Array, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const verifyPublished = (overrides: { headers?: Record<string, string>; body?: string; secrets?: string[] } = {}) =>
  verifyGithubWebhook({
    body: Buffer.from(overrides.body ?? published.payload, 'utf8'),
    headers: overrides.headers ?? publishedHeaders,
    secrets: overrides.secrets ?? [published.secret],
    now: 0,
  });

describeWebhookVerifierContract('GitHub', {
  verify: verifyGithubWebhook,
  secrets: ["It's a Secret to Everybody", 'a-newer-secret-for-the-rotation'],
  body: '{"action": "opened", "number": 1347}',
  signedAtSeconds: 1_700_000_000,
  unsignedHeaders: ['X-GitHub-Delivery', 'X-GitHub-Event'],
  sign: (body, secret) => ({ 'X-Hub-Signature-256': signGithub(body, secret), 'X-GitHub-Delivery': deliveryId, 'X-GitHub-Event': 'issues' }),
});

describe('verifyGithubWebhook', () => {
  it('accepts the documented example, with X-GitHub-Delivery as the delivery id and X-GitHub-Event as the event type', () => {
    expect(verifyPublished()).toEqual({ ok: true, deliveryId, eventType: 'push' });
  });

  it('agrees with the documented signature (the test sender is the documented algorithm)', () => {
    expect(signGithub(Buffer.from(published.payload), published.secret)).toBe(published.signature);
  });

  it('accepts the digest in upper-case hex', () => {
    const headers = { ...publishedHeaders, 'X-Hub-Signature-256': `sha256=${published.signature.slice('sha256='.length).toUpperCase()}` };
    expect(verifyPublished({ headers })).toMatchObject({ ok: true });
  });

  it('has no clock: a delivery verifies whenever it arrives, so replays are stopped only by delivery-id dedup', () => {
    const verifiedAt = (now: number) => verifyGithubWebhook({ body: Buffer.from(published.payload), headers: publishedHeaders, secrets: [published.secret], now });
    expect(verifiedAt(Date.UTC(2040, 0, 1))).toEqual(verifiedAt(0));
  });

  it('refuses the documented signature over "Hello, World?" as BAD_SIGNATURE', () => {
    expect(verifyPublished({ body: 'Hello, World?' })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
      message: 'X-Hub-Signature-256 does not match the body under any active secret.',
    });
  });

  it('refuses the digest without its "sha256=" prefix as MALFORMED_HEADER', () => {
    const headers = { ...publishedHeaders, 'X-Hub-Signature-256': published.signature.slice('sha256='.length) };
    expect(verifyPublished({ headers })).toEqual({ ok: false, reason: 'MALFORMED_HEADER', message: 'The X-Hub-Signature-256 header is not "sha256=<hex digest>".' });
  });

  it('refuses another algorithm as UNSUPPORTED_SIGNATURE_VERSION', () => {
    const headers = { ...publishedHeaders, 'X-Hub-Signature-256': `sha1=${'0'.repeat(40)}` };
    expect(verifyPublished({ headers })).toMatchObject({ ok: false, reason: 'UNSUPPORTED_SIGNATURE_VERSION' });
  });

  it.each([['truncated', published.signature.slice(0, -2)], ['not hex', `sha256=${'z'.repeat(64)}`], ['empty', 'sha256=']])(
    'refuses a digest that is %s as MALFORMED_HEADER',
    (_case, signature) => {
      expect(verifyPublished({ headers: { ...publishedHeaders, 'X-Hub-Signature-256': signature } })).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
    },
  );

  it('refuses a delivery signed only with the legacy SHA-1 X-Hub-Signature as MISSING_HEADER, saying why', () => {
    const { 'X-Hub-Signature-256': _sha256, ...headers } = { ...publishedHeaders, 'X-Hub-Signature': 'sha1=7d38cdd689735b008b3c702edd92eea23791c5f6' };
    expect(verifyPublished({ headers })).toEqual({
      ok: false,
      reason: 'MISSING_HEADER',
      message: 'The X-Hub-Signature-256 header is missing; the SHA-1 X-Hub-Signature alone is not accepted.',
    });
  });

  it('refuses the documented secret with a trailing newline as MALFORMED_SECRET, though GitHub signed with the secret without it', () => {
    expect(verifyPublished({ secrets: [`${published.secret}\n`] })).toMatchObject({ ok: false, reason: 'MALFORMED_SECRET' });
  });

  it.each([
    ['X-GitHub-Delivery', 'id with spaces'],
    ['X-GitHub-Event', 'Push Event'],
  ])('refuses a %s header that is not of its form as MALFORMED_HEADER', (name, value) => {
    expect(verifyPublished({ headers: { ...publishedHeaders, [name]: value } })).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
  });
});
