import { InvalidInputError, PayloadTooLargeError } from '../domain/errors.ts';

/** The largest request body the API reads: a 400,000-byte agent fits with room for JSON escapes. */
export const maxApiBodyBytes = 1024 * 1024;

/**
 * The body's bytes exactly as sent, reading at most `limit` of them: a declared length over the
 * limit is refused before reading, and a body that grows past it (chunked) is refused as soon as
 * it does, so the API never buffers more than the limit. Throws PayloadTooLargeError (HTTP 413).
 */
export async function readBodyBytes(request: Request, limit = maxApiBodyBytes): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${limit} bytes`, { code: 'BODY_TOO_LARGE', metadata: { maxBytes: String(limit) } });
}

/**
 * The body as JSON: undefined when empty. The media type must be JSON (`application/json` or
 * `…+json`) or absent; the bytes must be UTF-8 (never replaced) holding one JSON value. Each
 * refusal is INVALID_ARGUMENT with its own reason, never the server's HTML error page.
 */
export function parseJsonBody(raw: Uint8Array, contentType: string | undefined): unknown {
  if (raw.byteLength === 0) return undefined;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new InvalidInputError(`The request body must be JSON (Content-Type: application/json), got ${mediaType}`, {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      metadata: { contentType: mediaType },
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (error) {
    throw new InvalidInputError('The request body is not valid UTF-8', { code: 'INVALID_JSON', cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`The request body is not valid JSON: ${(error as Error).message}`, { code: 'INVALID_JSON', cause: error });
  }
}
