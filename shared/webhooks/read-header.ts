import { refuse, type WebhookHeaders, type WebhookRefused } from './webhook-verification.ts';

/**
 * The one value of a header, its name matched case-insensitively. Absent or blank is
 * MISSING_HEADER. Two values (an array, or two spellings of the name) are MALFORMED_HEADER: a
 * verifier must not guess which one the sender signed.
 */
export function readHeader(headers: WebhookHeaders, name: string): string | WebhookRefused {
  const wanted = name.toLowerCase();
  const values = Object.entries(headers)
    .filter(([key, value]) => key.toLowerCase() === wanted && value !== undefined)
    .flatMap(([, value]) => (typeof value === 'string' ? [value] : [...(value ?? [])]));
  if (values.length > 1) return refuse('MALFORMED_HEADER', `The ${name} header appears ${values.length} times; expected once.`);
  const value = values[0];
  if (value === undefined || value.trim() === '') return refuse('MISSING_HEADER', `The ${name} header is missing.`);
  return value;
}

/** Each header's one value by the name asked for, or the refusal for the first one missing or repeated. */
export function readHeaders<const Name extends string>(headers: WebhookHeaders, names: readonly Name[]): Record<Name, string> | WebhookRefused {
  const values = {} as Record<Name, string>;
  for (const name of names) {
    const value = readHeader(headers, name);
    if (typeof value !== 'string') return value;
    values[name] = value;
  }
  return values;
}
