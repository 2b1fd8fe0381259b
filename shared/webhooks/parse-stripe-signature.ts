import { parseUnixSeconds } from './check-timestamp.ts';
import { refuse, type WebhookRefused } from './webhook-verification.ts';

/** What a `Stripe-Signature` header says. */
export interface StripeSignature {
  /** `t` as sent: the signed payload starts with this text, not with a reformatted number. */
  signedAtText: string;
  signedAtSeconds: number;
  /** The decoded `v1` digests; `v0` (Stripe's test-mode legacy scheme) and unknown keys are ignored. */
  candidates: Uint8Array[];
}

/**
 * Reads `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=<hex>…]`. Several `v1` entries appear while a
 * Stripe endpoint's secret is rolled (Stripe signs with the old and the new one).
 */
export function parseStripeSignature(header: string): StripeSignature | WebhookRefused {
  let signedAtText: string | undefined;
  const candidates: Uint8Array[] = [];
  let otherSignatures = 0;
  for (const [index, item] of header.split(',').entries()) {
    const equals = item.indexOf('=');
    if (equals <= 0) return refuse('MALFORMED_HEADER', `Item ${index + 1} of Stripe-Signature is not "<key>=<value>".`);
    const [key, value] = [item.slice(0, equals), item.slice(equals + 1)];
    if (key === 't') {
      // Two timestamps would leave it open which one was signed.
      if (signedAtText !== undefined) return refuse('MALFORMED_HEADER', 'Stripe-Signature has more than one t=<timestamp>.');
      signedAtText = value;
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return refuse('MALFORMED_HEADER', `Item ${index + 1} of Stripe-Signature is not a hex HMAC-SHA256 digest.`);
      candidates.push(Buffer.from(value, 'hex'));
    } else if (/^v\d+$/.test(key)) {
      otherSignatures += 1;
    }
  }
  if (signedAtText === undefined) return refuse('MALFORMED_HEADER', 'Stripe-Signature has no t=<timestamp>.');
  const signedAtSeconds = parseUnixSeconds(signedAtText, 'The t= of Stripe-Signature');
  if (typeof signedAtSeconds !== 'number') return signedAtSeconds;
  if (candidates.length === 0 && otherSignatures > 0) {
    return refuse('UNSUPPORTED_SIGNATURE_VERSION', `Stripe-Signature has ${otherSignatures} signature(s), none of scheme v1.`);
  }
  if (candidates.length === 0) return refuse('MALFORMED_HEADER', 'Stripe-Signature has no signature.');
  return { signedAtText, signedAtSeconds, candidates };
}
