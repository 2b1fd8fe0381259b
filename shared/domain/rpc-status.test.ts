import { describe, expect, it } from 'vitest';
import { AbortedError, FailedPreconditionError, InvalidInputError, NotFoundError, PermissionDeniedError, ResourceExhaustedError, ResourceExistsError, UnauthenticatedError } from './errors.ts';
import { toErrorBody, toRpcStatus } from './rpc-status.ts';

describe('toRpcStatus', () => {
  it.each([
    [new InvalidInputError('bad'), 400, 'INVALID_ARGUMENT', 3],
    [new NotFoundError('gone'), 404, 'NOT_FOUND', 5],
    [new ResourceExistsError('dup'), 409, 'ALREADY_EXISTS', 6],
    [new PermissionDeniedError('no'), 403, 'PERMISSION_DENIED', 7],
    [new ResourceExhaustedError('limit'), 429, 'RESOURCE_EXHAUSTED', 8],
    [new FailedPreconditionError('state'), 400, 'FAILED_PRECONDITION', 9],
    [new AbortedError('busy'), 409, 'ABORTED', 10],
    [new UnauthenticatedError('who'), 401, 'UNAUTHENTICATED', 16],
  ])('maps %s to HTTP %d %s (code %d)', (error, http, status, code) => {
    expect(toRpcStatus(error)).toMatchObject({ httpStatus: http, status, code, message: error.message });
  });

  it('hides the message of an unexpected error behind INTERNAL', () => {
    expect(toRpcStatus(new Error('password=hunter2'))).toMatchObject({ httpStatus: 500, status: 'INTERNAL', message: expect.not.stringContaining('hunter2') });
  });

  it("puts the error's specific code in ErrorInfo's reason and the message's variable parts in its metadata (AIP-193)", () => {
    const error = new FailedPreconditionError('enableAgent is not allowed in state CONFIGURED', { code: 'INVALID_AGENT_STATE', metadata: { state: 'CONFIGURED' } });
    expect(toRpcStatus(error).details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_AGENT_STATE', domain: 'agentline.dev', metadata: { state: 'CONFIGURED' } }]);
  });

  it('renders Google JSON error shape with an ErrorInfo detail', () => {
    expect(toErrorBody(toRpcStatus(new PermissionDeniedError('no')))).toEqual({
      error: {
        code: 403,
        message: 'no',
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'PERMISSION_DENIED', domain: 'agentline.dev', metadata: {} }],
      },
    });
  });
});
