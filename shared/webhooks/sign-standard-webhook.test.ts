import { describe, expect, it } from 'vitest';
import { callbackSecretFor } from '../domain/callback-secret.ts';
import { signStandardWebhook } from './sign-standard-webhook.ts';
import published from '../testing/standard-webhooks-example.json' with { type: 'json' };
import { verifyStandardWebhook } from './verify-standard-webhook.ts';

describe('signStandardWebhook', () => {
  it('produces the published example signature', () => {
    const headers = signStandardWebhook({ id: published.id, timestampSeconds: published.timestamp, body: Buffer.from(published.payload), secret: published.secret });
    expect(headers).toEqual({ 'webhook-id': published.id, 'webhook-timestamp': String(published.timestamp), 'webhook-signature': published.signature });
  });

  it("signs what the project's verifier accepts under a user's derived callback secret, and nothing another user's secret accepts", () => {
    const body = Buffer.from(JSON.stringify({ name: 'runs/r1', state: 'SUCCEEDED' }));
    const secret = callbackSecretFor('a-master-key-of-at-least-thirty-two-characters', 'ada@example.com');
    const headers = signStandardWebhook({ id: 'cb_r1', timestampSeconds: 1_790_000_000.9, body, secret });
    expect(headers['webhook-timestamp']).toBe('1790000000');
    expect(verifyStandardWebhook({ body, headers, secrets: [secret], now: 1_790_000_010_000 })).toEqual({ ok: true, deliveryId: 'cb_r1', timestamp: 1_790_000_000_000 });
    const other = callbackSecretFor('a-master-key-of-at-least-thirty-two-characters', 'bob@example.com');
    expect(verifyStandardWebhook({ body, headers, secrets: [other], now: 1_790_000_010_000 })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it.each([
    ['a secret without whsec_', { secret: 'not-a-secret' }, 'starts with whsec_'],
    ['an id with a dot', { id: 'cb.r1' }, 'may not contain'],
  ])('refuses %s', (_case, override, message) => {
    expect(() => signStandardWebhook({ id: 'cb_r1', timestampSeconds: 1, body: Buffer.from('{}'), secret: published.secret, ...override })).toThrow(message);
  });
});
