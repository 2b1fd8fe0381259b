import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { fromGeminiError, parseRetryDelay } from './from-gemini-error.ts';

// The message formats @google/genai v3.1.0 produces: the JSON body as is for HTTP errors, and a
// "got status" prefix for an error event inside an SSE stream.
const httpError = (status: number, error: Record<string, unknown>) =>
  new ApiError({ status, message: JSON.stringify({ error }) });
const streamError = (status: number, error: Record<string, unknown>) =>
  new ApiError({ status, message: `got status: ${String(error.status)}. ${JSON.stringify({ error })}` });

const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
const quotaFailure = { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] };

describe('fromGeminiError', () => {
  it.each<[string, Error, string, number | undefined]>([
    [
      'a 429 with RetryInfo',
      httpError(429, { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED', details: [quotaFailure, retryInfo('2s')] }),
      'RESOURCE_EXHAUSTED',
      2000,
    ],
    ['a 503', httpError(503, { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' }), 'UNAVAILABLE', undefined],
    ['a 500', httpError(500, { code: 500, message: 'Internal error', status: 'INTERNAL' }), 'INTERNAL', undefined],
    ['a 408', httpError(408, { code: 408, message: 'Timeout', status: 'DEADLINE_EXCEEDED' }), 'DEADLINE_EXCEEDED', undefined],
    [
      'a non-JSON 502 (status text in the body)',
      httpError(502, { code: 502, message: '<html>Bad Gateway</html>', status: 'Bad Gateway' }),
      'UNAVAILABLE',
      undefined,
    ],
    [
      'an error event inside an SSE stream',
      streamError(503, { code: 503, message: 'overloaded', status: 'UNAVAILABLE', details: [retryInfo('0.250s')] }),
      'UNAVAILABLE',
      250,
    ],
  ])('maps %s to a TransientError', (_name, error, code, retryDelayMs) => {
    const mapped = fromGeminiError(error);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({ code, retryDelayMs, cause: error });
  });

  it.each<[string, Error, string, string]>([
    [
      'a 400',
      httpError(400, { code: 400, message: '* GenerateContentRequest.contents: contents is not specified\n', status: 'INVALID_ARGUMENT' }),
      'INVALID_ARGUMENT',
      '* GenerateContentRequest.contents: contents is not specified\n',
    ],
    ['a 403', httpError(403, { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' }), 'PERMISSION_DENIED', 'Permission denied'],
    ['a 404', httpError(404, { code: 404, message: 'models/x is not found', status: 'NOT_FOUND' }), 'NOT_FOUND', 'models/x is not found'],
    ['a 400 without a JSON body', new ApiError({ status: 400, message: 'bad' }), 'INVALID_ARGUMENT', 'bad'],
  ])('maps %s to a PermanentDependencyError with the API message', (_name, error, code, message) => {
    const mapped = fromGeminiError(error);
    expect(mapped).toBeInstanceOf(PermanentDependencyError);
    expect(mapped).toMatchObject({ code, message, cause: error });
  });

  it.each<[string, Error, string]>([
    ['a refused connection', new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'UNAVAILABLE'],
    ['a reset connection', new TypeError('fetch failed', { cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }) }), 'UNAVAILABLE'],
    ['a stream cut mid-body', new TypeError('terminated'), 'UNAVAILABLE'],
    ['a timed-out request', new DOMException('This operation was aborted', 'AbortError'), 'MODEL_TIMEOUT'],
  ])('maps %s to a TransientError', (_name, error, code) => {
    expect(fromGeminiError(error)).toMatchObject({ retryable: true, code, cause: error });
  });

  it('treats an SDK refusal before sending as permanent', () => {
    const error = new Error('invalid model parameter');
    expect(fromGeminiError(error)).toMatchObject({ retryable: false, code: 'MODEL_CLIENT_ERROR', cause: error });
  });

  it('passes our own errors through unchanged', () => {
    const ours = new InvalidInputError('bad');
    expect(fromGeminiError(ours)).toBe(ours);
  });
});

describe('parseRetryDelay', () => {
  it.each<[string | undefined, number | undefined]>([
    ['2s', 2000],
    ['1.5s', 1500],
    ['0.250s', 250],
    ['36.684224s', 36684],
    ['2', undefined],
    ['2m', undefined],
    [undefined, undefined],
  ])('parses %j as %j milliseconds', (duration, expected) => {
    expect(parseRetryDelay(duration)).toBe(expected);
  });
});
