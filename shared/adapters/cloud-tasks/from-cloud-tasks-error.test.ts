import { describe, expect, it } from 'vitest';
import { isRetryable, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { fromCloudTasksError, isTaskAlreadyScheduled } from './from-cloud-tasks-error.ts';

// Shaped like google-gax's GoogleError: an Error with a numeric gRPC `code`.
const grpcError = (code: number, message = `gRPC ${code}`) => Object.assign(new Error(message), { code });

describe('isTaskAlreadyScheduled', () => {
  it.each<[string, boolean, unknown]>([
    ['ALREADY_EXISTS', true, grpcError(6)],
    ['NOT_FOUND', false, grpcError(5)],
    ['an HTTP 409 status as a string', false, Object.assign(new Error('conflict'), { code: '409' })],
    ['a plain error', false, new Error('boom')],
    ['null', false, null],
  ])('says whether %s means the task is already scheduled: %s', (_case, expected, error) => {
    expect(isTaskAlreadyScheduled(error)).toBe(expected);
  });
});

describe('fromCloudTasksError', () => {
  it.each([
    ['DEADLINE_EXCEEDED', 4],
    ['RESOURCE_EXHAUSTED', 8],
    ['INTERNAL', 13],
    ['UNAVAILABLE', 14],
  ])('turns %s into a retryable TransientError that keeps the cause and names the status', (name, code) => {
    const cause = grpcError(code, 'try later');
    const error = fromCloudTasksError(cause);
    expect(error).toBeInstanceOf(TransientError);
    expect(isRetryable(error)).toBe(true);
    expect(error).toMatchObject({ cause, code: 'CLOUD_TASKS_UNAVAILABLE' });
    expect((error as Error).message).toMatch(new RegExp(`\\b${name}\\b.*try later`));
  });

  it.each([
    ['INVALID_ARGUMENT', 3],
    ['NOT_FOUND', 5],
    ['PERMISSION_DENIED', 7],
    ['FAILED_PRECONDITION', 9],
    ['OUT_OF_RANGE', 11],
    ['UNIMPLEMENTED', 12],
    ['UNAUTHENTICATED', 16],
  ])('turns %s into a non-retryable PermanentDependencyError that keeps the cause and names the status', (name, code) => {
    const cause = grpcError(code, 'sending it again will not help');
    const error = fromCloudTasksError(cause);
    expect(error).toBeInstanceOf(PermanentDependencyError);
    expect(isRetryable(error)).toBe(false);
    expect(error).toMatchObject({ cause, code: 'CLOUD_TASKS_REFUSED' });
    expect((error as Error).message).toMatch(new RegExp(`\\b${name}\\b.*sending it again will not help`));
  });

  it.each<[string, unknown]>([
    ['UNKNOWN', grpcError(2)],
    ['a plain error', new Error('boom')],
    ['a string', 'boom'],
  ])('returns %s unchanged', (_case, error) => {
    expect(fromCloudTasksError(error)).toBe(error);
  });
});
