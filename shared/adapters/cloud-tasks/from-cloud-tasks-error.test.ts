import { describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.ts';
import { fromCloudTasksError, isTaskAlreadyScheduled } from './from-cloud-tasks-error.ts';

// Shaped like google-gax's GoogleError: an Error with a numeric gRPC `code`.
const grpcError = (code: number, message = `gRPC ${code}`) => Object.assign(new Error(message), { code });

describe('isTaskAlreadyScheduled', () => {
  it.each<[string, unknown, boolean]>([
    ['ALREADY_EXISTS', grpcError(6), true],
    ['NOT_FOUND', grpcError(5), false],
    ['an HTTP 409 status as a string', Object.assign(new Error('conflict'), { code: '409' }), false],
    ['a plain error', new Error('boom'), false],
    ['null', null, false],
  ])('is %s → %s', (_case, error, expected) => {
    expect(isTaskAlreadyScheduled(error)).toBe(expected);
  });
});

describe('fromCloudTasksError', () => {
  it.each([
    ['DEADLINE_EXCEEDED', 4],
    ['RESOURCE_EXHAUSTED', 8],
    ['INTERNAL', 13],
    ['UNAVAILABLE', 14],
  ])('turns %s into a TransientError that keeps the cause', (name, code) => {
    const cause = grpcError(code, 'try later');
    const error = fromCloudTasksError(cause);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ cause, retryable: true, code: 'CLOUD_TASKS_UNAVAILABLE' });
    expect((error as Error).message).toContain(name);
  });

  it.each([
    ['INVALID_ARGUMENT', grpcError(3)],
    ['NOT_FOUND', grpcError(5)],
    ['PERMISSION_DENIED', grpcError(7)],
    ['FAILED_PRECONDITION', grpcError(9)],
    ['UNAUTHENTICATED', grpcError(16)],
    ['a plain error', new Error('boom')],
    ['a string', 'boom'],
  ])('returns %s unchanged', (_case, error) => {
    expect(fromCloudTasksError(error)).toBe(error);
  });
});
