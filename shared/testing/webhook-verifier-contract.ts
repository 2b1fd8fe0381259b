import { describe, expect, it } from 'vitest';
import { webhookRefusalReasonSchema, type WebhookDelivery, type WebhookVerifier } from '../webhooks/webhook-verification.ts';

/** One signature scheme, with a sender written for the tests (independent of the verifier). */
export interface SchemeUnderTest {
  verify: WebhookVerifier;
  /** Two valid secrets of the scheme: the old and the new one of a rotation. */
  secrets: readonly [string, string];
  /** A body the scheme accepts once signed; JSON with a space after a colon, so re-serialising it changes its bytes. */
  body: string;
  /** When `sign` signs, and the verifier's clock in these tests. */
  signedAtSeconds: number;
  /** Headers the signature does not cover, so any well-formed value passes (GitHub's). */
  unsignedHeaders?: readonly string[];
  /** The headers a sender adds to this body, signed with one secret. */
  sign(body: Uint8Array, secret: string, signedAtSeconds: number): Record<string, string>;
}

/**
 * The behaviour every webhook verifier must have, whatever its scheme: rotation, raw-bytes
 * verification, refusal of tampering, secrets taken as given, size limit, and a refusal (never an
 * exception) for any headers.
 */
export function describeWebhookVerifierContract(name: string, scheme: SchemeUnderTest): void {
  const [oldSecret, newSecret] = scheme.secrets;
  const unsignedHeaders = scheme.unsignedHeaders ?? [];
  const body = Buffer.from(scheme.body, 'utf8');
  const now = scheme.signedAtSeconds * 1000;
  const deliver = ({ signedWith = newSecret, ...overrides }: Partial<WebhookDelivery> & { signedWith?: string }) => {
    const delivered = overrides.body ?? body;
    const headers = overrides.headers ?? scheme.sign(delivered, signedWith, scheme.signedAtSeconds);
    return scheme.verify({ body: delivered, headers, secrets: [newSecret], now, ...overrides });
  };

  describe(`webhook verifier contract: ${name}`, () => {
    it('accepts a delivery signed with the active secret', () => {
      expect(deliver({})).toMatchObject({ ok: true });
    });

    it('accepts a delivery signed with either of two active secrets while a secret is rotated', () => {
      expect(deliver({ signedWith: oldSecret, secrets: [newSecret, oldSecret] })).toMatchObject({ ok: true });
      expect(deliver({ signedWith: newSecret, secrets: [newSecret, oldSecret] })).toMatchObject({ ok: true });
    });

    it('refuses a delivery signed with a secret rotated out as BAD_SIGNATURE', () => {
      expect(deliver({ signedWith: oldSecret, secrets: [newSecret] })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    });

    it('refuses a body with one byte changed as BAD_SIGNATURE', () => {
      const tampered = Buffer.from(body);
      const last = tampered.length - 2;
      tampered.writeUInt8(tampered.readUInt8(last) ^ 0x01, last);
      expect(deliver({ body: tampered, headers: scheme.sign(body, newSecret, scheme.signedAtSeconds) })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    });

    it('refuses the same JSON serialised again (same data, other bytes) as BAD_SIGNATURE', () => {
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(scheme.body)), 'utf8');
      expect(reserialised.equals(body)).toBe(false);
      expect(deliver({ body: reserialised, headers: scheme.sign(body, newSecret, scheme.signedAtSeconds) })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    });

    it('verifies the bytes themselves, not their UTF-8 decoding (two invalid bytes decode alike)', () => {
      const withByte = (byte: number) => Buffer.concat([body, Buffer.from([0x20, byte])]);
      const headers = scheme.sign(withByte(0xff), newSecret, scheme.signedAtSeconds);
      expect(withByte(0xff).toString('utf8')).toBe(withByte(0xfe).toString('utf8'));
      // The signed bytes pass the signature (a scheme may still refuse what they hold, e.g. Stripe's non-UTF-8 JSON).
      expect(deliver({ body: withByte(0xff), headers })).not.toMatchObject({ reason: 'BAD_SIGNATURE' });
      expect(deliver({ body: withByte(0xfe), headers })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    });

    it.each([['newline', '\n'], ['carriage return and newline', '\r\n'], ['space', ' ']])(
      'refuses a configured secret with a trailing %s as MALFORMED_SECRET instead of trimming it',
      (_case, trailing) => {
        const refused = deliver({ secrets: [oldSecret, `${newSecret}${trailing}`] });
        expect(refused).toEqual({ ok: false, reason: 'MALFORMED_SECRET', message: 'Active secret 2 of 2 has leading or trailing whitespace (secrets are never trimmed).' });
      },
    );

    it('refuses every delivery as NO_ACTIVE_SECRET when the trigger has no active secret', () => {
      expect(deliver({ secrets: [] })).toMatchObject({ ok: false, reason: 'NO_ACTIVE_SECRET' });
    });

    it('refuses a body over the limit as OVERSIZED_BODY, and accepts one exactly at it', () => {
      expect(deliver({ maxBodyBytes: body.byteLength - 1 })).toEqual({
        ok: false,
        reason: 'OVERSIZED_BODY',
        message: `The body has ${body.byteLength} bytes, more than the limit of ${body.byteLength - 1}.`,
      });
      expect(deliver({ maxBodyBytes: body.byteLength })).toMatchObject({ ok: true });
    });

    it('refuses a body over 1 MiB by default', () => {
      const huge = Buffer.alloc(1024 * 1024 + 1, 0x20);
      expect(deliver({ body: huge, headers: scheme.sign(body, newSecret, scheme.signedAtSeconds) })).toMatchObject({ ok: false, reason: 'OVERSIZED_BODY' });
    });

    it('reads the headers whatever the case of their names', () => {
      const signed = scheme.sign(body, newSecret, scheme.signedAtSeconds);
      const shouted = Object.fromEntries(Object.entries(signed).map(([key, value]) => [key.toUpperCase(), value]));
      expect(deliver({ headers: shouted })).toMatchObject({ ok: true });
    });

    it('refuses a delivery without each signed header as MISSING_HEADER, naming the header', () => {
      const signed = scheme.sign(body, newSecret, scheme.signedAtSeconds);
      for (const name of Object.keys(signed)) {
        const { [name]: _dropped, ...others } = signed;
        const refused = deliver({ headers: others });
        expect(refused).toMatchObject({ ok: false, reason: 'MISSING_HEADER' });
        expect(refused.ok === false && refused.message).toContain(name);
      }
    });

    it.each([[''], ['x'], ['='], [','], ['\u00ff'], [['a', 'b']], ['v1,' + 'A'.repeat(44)]])(
      'answers each header replaced by %j with a verdict (a refusal of a listed reason), never an exception',
      (junk) => {
        const signed = scheme.sign(body, newSecret, scheme.signedAtSeconds);
        for (const name of Object.keys(signed)) {
          const verdict = deliver({ headers: { ...signed, [name]: junk } });
          // A header outside the signature (GitHub's event and delivery id) may take any well-formed value.
          if (verdict.ok) expect(unsignedHeaders.map((header) => header.toLowerCase())).toContain(name.toLowerCase());
          else expect(webhookRefusalReasonSchema.options).toContain(verdict.reason);
        }
      },
    );
  });
}
