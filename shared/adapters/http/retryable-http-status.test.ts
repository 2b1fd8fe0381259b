import { describe, expect, it } from 'vitest';
import { isRetryableHttpStatus } from './retryable-http-status.ts';

describe('isRetryableHttpStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('treats %i as worth sending again later', (status) => {
    expect(isRetryableHttpStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('treats %i as needing a different request', (status) => {
    expect(isRetryableHttpStatus(status)).toBe(false);
  });
});
