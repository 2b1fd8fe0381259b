import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWebhookVerifierContract } from '../testing/webhook-verifier-contract.ts';
import { verifyStripeWebhook } from './verify-stripe-webhook.ts';

// Stripe publishes no static vector. This header was generated once by Stripe's SDK (stripe@23.2.0,
// `stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })`) and verified by the
// same SDK's `webhooks.constructEvent(…, receivedAt = timestamp)`; it is a frozen fixture, never regenerated.
const fromSdk = {
  secret: 'whsec_agentlineFixtureSecret0123456789',
  timestamp: 1700000000,
  payload: '{\n  "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",\n  "object": "event",\n  "type": "invoice.paid"\n}',
  header: 't=1700000000,v1=3e96b2a91ba90f1206a79b269b9b8c8e8c5db4171af2c42c39d867a8c67fc489',
};
const otherSecret = 'whsec_theSecretAfterTheRoll';

/** A sender, written from Stripe's documented algorithm: hex HMAC-SHA256 of `${t}.${body}`. */
const signStripe = (body: Uint8Array, secret: string, timestamp: number) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

const verifyFixture = (overrides: { header?: string; body?: string; secrets?: string[]; now?: number } = {}) =>
  verifyStripeWebhook({
    body: Buffer.from(overrides.body ?? fromSdk.payload, 'utf8'),
    headers: { 'stripe-signature': overrides.header ?? fromSdk.header },
    secrets: overrides.secrets ?? [fromSdk.secret],
    now: overrides.now ?? fromSdk.timestamp * 1000,
  });
const signedFixture = (body: string, timestamp = fromSdk.timestamp) => `t=${timestamp},v1=${signStripe(Buffer.from(body), fromSdk.secret, timestamp)}`;

describeWebhookVerifierContract('Stripe', {
  verify: verifyStripeWebhook,
  secrets: [fromSdk.secret, otherSecret],
  body: fromSdk.payload,
  signedAtSeconds: fromSdk.timestamp,
  sign: (body, secret, signedAt) => ({ 'Stripe-Signature': `t=${signedAt},v1=${signStripe(body, secret, signedAt)}` }),
});

describe('verifyStripeWebhook', () => {
  it("accepts the SDK-generated delivery, with the event's id as the delivery id", () => {
    expect(verifyFixture()).toEqual({ ok: true, deliveryId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', eventType: 'invoice.paid', timestamp: fromSdk.timestamp * 1000 });
  });

  it('agrees with the SDK-generated signature (the test sender is the documented algorithm)', () => {
    expect(signedFixture(fromSdk.payload)).toBe(fromSdk.header);
  });

  it('accepts a header with two v1 signatures (a secret being rolled), a v0 and an unknown key', () => {
    const wrong = signStripe(Buffer.from(fromSdk.payload), otherSecret, fromSdk.timestamp);
    const header = `t=${fromSdk.timestamp},v1=${wrong},${fromSdk.header.split(',')[1]},v0=${'0'.repeat(64)},scheme=future`;
    expect(verifyFixture({ header })).toMatchObject({ ok: true });
  });

  it.each([[-300], [300]])('accepts the delivery %s s from its timestamp', (offset) => {
    expect(verifyFixture({ now: (fromSdk.timestamp + offset) * 1000 })).toMatchObject({ ok: true });
  });

  it('refuses the delivery more than 300 s later as STALE_TIMESTAMP', () => {
    expect(verifyFixture({ now: (fromSdk.timestamp + 301) * 1000 })).toMatchObject({ ok: false, reason: 'STALE_TIMESTAMP' });
  });

  it("refuses a timestamp more than 300 s in the future as FUTURE_TIMESTAMP, which Stripe's SDK accepts", () => {
    expect(verifyFixture({ now: (fromSdk.timestamp - 301) * 1000 })).toEqual({
      ok: false,
      reason: 'FUTURE_TIMESTAMP',
      message: 'The delivery was signed 301 s in the future, more than the tolerance of 300 s.',
    });
  });

  it('refuses the signature moved to another timestamp within the tolerance as BAD_SIGNATURE (t is signed)', () => {
    expect(verifyFixture({ header: fromSdk.header.replace('t=1700000000', 't=1700000001') })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it.each([
    ['without its "t=" prefix', fromSdk.header.replace('t=', ''), 'Item 1 of Stripe-Signature is not "<key>=<value>".'],
    ['without t', fromSdk.header.split(',')[1], 'Stripe-Signature has no t=<timestamp>.'],
    ['with two t', `t=1700000001,${fromSdk.header}`, 'Stripe-Signature has more than one t=<timestamp>.'],
    ['with a t that is not whole seconds', fromSdk.header.replace('t=1700000000', 't=1700000000.0'), 'The t= of Stripe-Signature is not a Unix time in seconds.'],
    ['without a signature', 't=1700000000', 'Stripe-Signature has no signature.'],
    ['with a truncated v1', fromSdk.header.slice(0, -1), 'Item 2 of Stripe-Signature is not a hex HMAC-SHA256 digest.'],
  ])('refuses a header %s as MALFORMED_HEADER', (_case, header, message) => {
    expect(verifyFixture({ header })).toEqual({ ok: false, reason: 'MALFORMED_HEADER', message });
  });

  it('refuses a header with only v0 signatures as UNSUPPORTED_SIGNATURE_VERSION', () => {
    expect(verifyFixture({ header: fromSdk.header.replace('v1=', 'v0=') })).toEqual({
      ok: false,
      reason: 'UNSUPPORTED_SIGNATURE_VERSION',
      message: 'Stripe-Signature has 1 signature(s), none of scheme v1.',
    });
  });

  it.each([
    ['an API key', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
    ['the bare prefix', 'whsec_'],
  ])('refuses %s configured as the secret as MALFORMED_SECRET', (_case, secret) => {
    expect(verifyFixture({ secrets: [secret] })).toEqual({ ok: false, reason: 'MALFORMED_SECRET', message: 'Active secret 1 of 1 is not a Stripe signing secret (whsec_…).' });
  });

  it.each([
    ['is not JSON', 'not json'],
    ['has no id', '{"object": "event"}'],
    ['has a numeric id', '{"id": 42}'],
    ['has an empty id', '{"id": ""}'],
    ['is a JSON array', '[{"id": "evt_1"}]'],
    ['has a type that is not a string', '{"id": "evt_1", "type": 7}'],
  ])('refuses an authentic body that %s as MALFORMED_BODY', (_case, body) => {
    expect(verifyFixture({ body, header: signedFixture(body) })).toEqual({
      ok: false,
      reason: 'MALFORMED_BODY',
      message: 'The body is not a JSON Stripe event: an object with a string "id" (1 to 256 visible ASCII characters) and, if any, a string "type".',
    });
  });

  it('refuses an authentic body that is not UTF-8 as MALFORMED_BODY', () => {
    const body = Buffer.concat([Buffer.from('{"id": "evt_1", "note": "'), Buffer.from([0xff]), Buffer.from('"}')]);
    const header = `t=${fromSdk.timestamp},v1=${signStripe(body, fromSdk.secret, fromSdk.timestamp)}`;
    expect(verifyStripeWebhook({ body, headers: { 'Stripe-Signature': header }, secrets: [fromSdk.secret], now: fromSdk.timestamp * 1000 })).toMatchObject({
      ok: false,
      reason: 'MALFORMED_BODY',
    });
  });

  it('refuses a body without an id as BAD_SIGNATURE, not MALFORMED_BODY, when it is not authentic (nothing is parsed before the signature)', () => {
    expect(verifyFixture({ body: 'not json' })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });
});
