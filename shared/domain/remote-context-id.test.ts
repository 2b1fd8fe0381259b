import { describe, expect, it } from 'vitest';
import { remoteContextId } from './remote-context-id.ts';

const weather = 'projects/p/locations/global/collections/default_collection/engines/e/agents/weather';
const planner = 'projects/p/locations/global/collections/default_collection/engines/e/agents/planner';

describe('remoteContextId', () => {
  it('is the same for two runs of one session and user', () => {
    expect(remoteContextId({ runId: 'r1', sessionId: 's', userId: 'ada' }, weather)).toBe(
      remoteContextId({ runId: 'r2', sessionId: 's', userId: 'ada' }, weather),
    );
  });

  it.each([
    ['another session', { runId: 'r2', sessionId: 't', userId: 'ada' }, weather],
    ['another user', { runId: 'r2', sessionId: 's', userId: 'bob' }, weather],
    ['no user', { runId: 'r2', sessionId: 's' }, weather],
    ['another agent', { runId: 'r2', sessionId: 's', userId: 'ada' }, planner],
  ])('differs for %s', (_case, run, agent) => {
    expect(remoteContextId(run, agent)).not.toBe(remoteContextId({ runId: 'r1', sessionId: 's', userId: 'ada' }, weather));
  });

  it('is per run without a session', () => {
    expect(remoteContextId({ runId: 'r1', userId: 'ada' }, weather)).toBe(remoteContextId({ runId: 'r1', userId: 'ada' }, weather));
    expect(remoteContextId({ runId: 'r1', userId: 'ada' }, weather)).not.toBe(remoteContextId({ runId: 'r2', userId: 'ada' }, weather));
  });

  it('gives a sub-agent call its own context, apart from a direct run of the same agent', () => {
    const run = { runId: 'r1', sessionId: 's', userId: 'ada' };
    expect(remoteContextId(run, weather, planner)).not.toBe(remoteContextId(run, weather));
    expect(remoteContextId(run, weather, planner)).toBe(remoteContextId({ ...run, runId: 'r2' }, weather, planner));
  });

  it('does not reveal the session or the user to the remote', () => {
    const contextId = remoteContextId({ runId: 'r1', sessionId: 'session-42', userId: 'ada@example.com' }, weather);
    expect(contextId).toMatch(/^agentline-[0-9a-f]{32}$/);
  });

  it('cannot be made to collide by moving text between the session and the user', () => {
    expect(remoteContextId({ runId: 'r', sessionId: 'a', userId: 'b"c' }, weather)).not.toBe(
      remoteContextId({ runId: 'r', sessionId: 'a"', userId: 'c' }, weather),
    );
  });
});
