import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';

/**
 * Opaque page tokens (AIP-158): the cursor is encrypted and authenticated with AES-256-GCM under
 * a server key, and bound to a hash of the request parameters that shape the result (parent,
 * orderBy, caller). A token cannot be read, forged or edited, and one replayed with different
 * parameters is refused with INVALID_ARGUMENT. `pageSize` may change between pages.
 */
export interface PageTokenCodec {
  encode(cursor: unknown[], requestParameters: unknown): string;
  /** Throws INVALID_ARGUMENT when the token is malformed, forged, or from a different request. */
  decode(token: string, requestParameters: unknown): unknown[];
}

/** `secret`: any string; the key is its SHA-256, so every instance sharing it accepts the same tokens. */
export function createPageTokenCodec(secret: string): PageTokenCodec {
  const key = createHash('sha256').update(`agentline-page-token:${secret}`).digest();
  return {
    encode(cursor, requestParameters) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(hashParameters(requestParameters));
      const body = Buffer.concat([cipher.update(JSON.stringify(cursor), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    decode(token, requestParameters) {
      const raw = Buffer.from(token, 'base64url');
      try {
        if (raw.length < 29) throw new Error('too short');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        decipher.setAAD(hashParameters(requestParameters));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
        const cursor: unknown = JSON.parse(text);
        if (!Array.isArray(cursor)) throw new Error('not a cursor');
        return cursor;
      } catch (error) {
        throw new InvalidInputError(
          'Invalid pageToken: it was not issued by this service for a request with the same parent, orderBy and caller; start again without pageToken',
          { cause: error, code: 'INVALID_PAGE_TOKEN' },
        );
      }
    },
  };
}

function hashParameters(parameters: unknown): Buffer {
  return createHash('sha256').update(JSON.stringify(parameters)).digest();
}

/** A decoded page token's cursor read by `schema`: a token this service issued for the same request carries one; anything else is a bad token. */
export function readPageCursor<T>(schema: z.ZodType<T>, cursor: unknown[]): T {
  const parsed = schema.safeParse(cursor);
  if (!parsed.success) throw new InvalidInputError('Invalid pageToken: start again without pageToken', { code: 'INVALID_PAGE_TOKEN' });
  return parsed.data;
}
