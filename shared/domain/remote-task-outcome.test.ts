import { describe, expect, it } from 'vitest';
import type { RemoteTaskSnapshot } from '../ports/remote-agent-client.ts';
import { decideRemoteOutcome, type RemoteTaskOutcome } from './remote-task-outcome.ts';

describe('decideRemoteOutcome', () => {
  it.each<[RemoteTaskSnapshot, RemoteTaskOutcome]>([
    [{ state: 'completed', taskId: 't', text: 'Paris' }, { kind: 'answered', text: 'Paris' }],
    [{ state: 'completed', text: 'a plain message reply' }, { kind: 'answered', text: 'a plain message reply' }],
    [{ state: 'working', taskId: 't', text: '' }, { kind: 'pending', taskId: 't' }],
    [{ state: 'submitted', taskId: 't', text: '' }, { kind: 'pending', taskId: 't' }],
    [{ state: 'working', text: '' }, { kind: 'stopped', error: { code: 'A2A_TASK_STATE_UNKNOWN', message: 'Remote agent echo reported a working task without a task id' } }],
    [{ state: 'failed', taskId: 't', text: 'disk full' }, { kind: 'stopped', error: { code: 'A2A_TASK_FAILED', message: 'Remote agent echo failed the task: disk full' } }],
    [{ state: 'canceled', taskId: 't', text: '' }, { kind: 'stopped', error: { code: 'A2A_TASK_CANCELED', message: 'Remote agent echo canceled the task' } }],
    [{ state: 'rejected', taskId: 't', text: 'not my job' }, { kind: 'stopped', error: { code: 'A2A_TASK_REJECTED', message: 'Remote agent echo rejected the task: not my job' } }],
    [
      { state: 'input-required', taskId: 't', text: 'Which city?' },
      { kind: 'stopped', error: { code: 'A2A_INPUT_REQUIRED', message: 'Remote agent echo needs more input, which a run cannot give it mid-task: Which city?' } },
    ],
    [
      { state: 'auth-required', taskId: 't', text: '' },
      { kind: 'stopped', error: { code: 'A2A_AUTH_REQUIRED', message: 'Remote agent echo needs authentication, which a run cannot give it mid-task' } },
    ],
    [{ state: 'unknown', taskId: 't', text: '' }, { kind: 'stopped', error: { code: 'A2A_TASK_STATE_UNKNOWN', message: 'Remote agent echo reported a task state agentline does not know' } }],
  ])('%j becomes %j', (snapshot, expected) => {
    expect(decideRemoteOutcome('echo', snapshot)).toEqual(expected);
  });
});
