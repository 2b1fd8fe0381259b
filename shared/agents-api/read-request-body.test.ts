import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../domain/errors.ts';
import { parseJsonBody, readBodyBytes } from './read-request-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readBodyBytes', () => {
  it('returns the bytes exactly as sent, invalid UTF-8 included', async () => {
    const sent = Uint8Array.from([0x7b, 0xff, 0x7d]);
    expect([...(await readBodyBytes(new Request('http://x/', { method: 'POST', body: sent })))]).toEqual([0x7b, 0xff, 0x7d]);
  });

  it('returns no bytes for a request without a body', async () => {
    expect((await readBodyBytes(new Request('http://x/'))).byteLength).toBe(0);
  });

  it('refuses a body over the limit, declared or not', async () => {
    await expect(readBodyBytes(new Request('http://x/', { method: 'POST', body: 'x'.repeat(11) }), 10)).rejects.toBeInstanceOf(PayloadTooLargeError);
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(bytes('x'.repeat(11))), controller.close()) });
    await expect(readBodyBytes(new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit), 10)).rejects.toMatchObject({ code: 'BODY_TOO_LARGE', httpStatus: 413 });
  });
});

describe('parseJsonBody', () => {
  it.each([
    ['', 'application/json', undefined],
    ['{"a":1}', 'application/json', { a: 1 }],
    ['{"a":1}', 'application/json; charset=utf-8', { a: 1 }],
    ['{"a":1}', 'application/merge-patch+json', { a: 1 }],
    ['{"a":1}', undefined, { a: 1 }],
    ['[1]', 'application/json', [1]],
  ])('reads %j sent as %s', (text, contentType, expected) => {
    expect(parseJsonBody(bytes(text), contentType)).toEqual(expected);
  });

  it.each([
    ['{"a":', 'application/json', 'INVALID_JSON'],
    ['a=1', 'application/x-www-form-urlencoded', 'UNSUPPORTED_MEDIA_TYPE'],
    ['{"a":1}', 'text/plain', 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses %j sent as %s with %s', (text, contentType, code) => {
    expect(() => parseJsonBody(bytes(text), contentType)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses bytes that are not UTF-8 rather than replacing them', () => {
    expect(() => parseJsonBody(Uint8Array.from([0x22, 0xff, 0x22]), 'application/json')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
  });
});
