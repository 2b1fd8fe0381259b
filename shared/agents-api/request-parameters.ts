import { toCamelCase } from '../domain/agents/to-camel-case-keys.ts';
import { InvalidInputError } from '../domain/errors.ts';

/** Google's system parameters that change nothing here (JSON is the only format; output is compact). */
const harmlessSystemParameters = ['prettyPrint', '$.xgafv', 'alt'];

/**
 * The query parameters of one method, keys in lowerCamelCase (`page_size` reads as `pageSize`, as
 * Google's transcoding accepts both). A parameter the method does not have is INVALID_ARGUMENT
 * naming it, as Google's frontends answer "Cannot bind query parameter": a silently ignored
 * `filter` would return results the caller did not ask for.
 */
export function readQuery(query: Record<string, string | undefined>, method: string, accepted: readonly string[]): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    const name = toCamelCase(key);
    if (name === 'alt' && value !== 'json') throw new InvalidInputError(`Query parameter alt=${value} is not supported; responses are JSON`, { code: 'UNKNOWN_QUERY_PARAMETER', metadata: { parameter: 'alt', value: value ?? '' } });
    if (harmlessSystemParameters.includes(name)) continue;
    if (!accepted.includes(name)) {
      const expected = accepted.length > 0 ? `; it accepts ${accepted.join(', ')}` : '; it takes no query parameters';
      throw new InvalidInputError(`Unknown query parameter "${key}" for ${method}${expected}`, {
        code: 'UNKNOWN_QUERY_PARAMETER',
        metadata: { parameter: key, method, acceptedParameters: accepted.join(',') },
      });
    }
    result[name] = value;
  }
  return result;
}

/**
 * For methods whose request body must be empty (Discovery Engine's get, delete, enable and
 * disable): an empty body or `{}` passes; any field is INVALID_ARGUMENT naming it.
 */
export function requireEmptyBody(body: unknown, method: string): void {
  if (body === undefined || body === null || body === '' || (Buffer.isBuffer(body) && body.length === 0)) return;
  if (typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
    const fields = Object.keys(body);
    if (fields.length === 0) return;
    throw new InvalidInputError(`The request body of ${method} must be empty; got ${fields.map((field) => `"${field}"`).join(', ')}`, {
      code: 'BODY_NOT_EMPTY',
      metadata: { method, fields: fields.join(',') },
    });
  }
  throw new InvalidInputError(`The request body of ${method} must be empty`, { code: 'BODY_NOT_EMPTY', metadata: { method } });
}
