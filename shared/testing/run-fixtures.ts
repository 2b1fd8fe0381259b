import type { Run } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import { newStep } from '../domain/step.ts';

/** A minimal valid run for store tests; override what the test is about. */
export function sampleRun(runId: string, overrides: Partial<Run> = {}): Run {
  return {
    schemaVersion: 1,
    runId,
    state: 'QUEUED',
    input: 'hello',
    turn: 0,
    next: { kind: 'model' },
    llmCallCount: 0,
    llmCallsSucceeded: 0,
    eventCount: 0,
    usage: {},
    createTime: 1_790_000_000_123,
    updateTime: 1_790_000_000_123,
    ...overrides,
  };
}

export function sampleStep(runId: string, stepId: string, createTime = 1_790_000_000_123) {
  return newStep(runId, stepId, createTime);
}

export function sampleEvent(seq: number, text: string): RunEvent {
  return { schemaVersion: 1, seq, origin: 'run', content: { role: 'user', parts: [{ text }] }, createTime: 1_790_000_000_000 + seq };
}
