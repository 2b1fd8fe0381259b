import { z } from 'zod';
import type { Content } from './content.ts';
import { llmCallLimitOf } from './llm-call-budget.ts';
import { isTerminal, type Run } from './run.ts';
import type { Step } from './step.ts';

/**
 * What a run's event stream reports (docs/architecture.md, "Run events"). `done` is the last
 * record of every run that ended after the stream existed, written by the transaction that ended it.
 */
export const runStreamEventTypes = ['step.started', 'step.finished', 'step.retried', 'step.waiting', 'model.partial', 'model.text', 'tool.call', 'tool.result', 'usage', 'done'] as const;
export type RunStreamEventType = (typeof runStreamEventTypes)[number];

/**
 * One record of a run's append-only event stream, `runs/{runId}/stream/{seq}`. `seq` is gapless
 * from 0, allocated from the run's `streamCount` by the transaction that writes the record, so a
 * record exists exactly once whichever delivery of whichever function wrote it.
 */
export const runStreamRecordSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  seq: z.number().int().nonnegative(),
  type: z.enum(runStreamEventTypes),
  /** The step it reports on; absent for `done`. */
  stepId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  createTime: z.number(),
});
export type RunStreamRecord = z.infer<typeof runStreamRecordSchema>;

/** A record before it has its place in the stream. */
export type RunStreamEntry = Pick<RunStreamRecord, 'type' | 'data'> & { stepId?: string };

/**
 * Gives `entries` the next sequence numbers of `run`'s stream. Returns the run with its
 * `streamCount` moved past them (to be written in the same transaction as the records) and the
 * records. A run that the entries end (terminal) also gets its `done` record last.
 */
export function appendStream(before: Run, run: Run, entries: readonly RunStreamEntry[], now: number): { run: Run; records: RunStreamRecord[] } {
  const all = isTerminal(run.state) && !isTerminal(before.state) ? [...entries, doneEntry(run)] : entries;
  const start = before.streamCount ?? 0;
  const records = all.map((entry, index): RunStreamRecord => ({ schemaVersion: 1, runId: run.runId, seq: start + index, ...entry, createTime: now }));
  return { run: { ...run, streamCount: start + records.length }, records };
}

/** The final record: the run's state and how it ended. */
export function doneEntry(run: Run): RunStreamEntry {
  return { type: 'done', data: { state: run.state, ...(run.output ? { output: run.output } : {}), ...(run.error ? { error: run.error } : {}) } };
}

/**
 * The entries a transition's conversation events produce: the model's text and tool calls, the
 * tool results, and after a model answer the run's usage and the LLM calls left.
 */
export function entriesOfEvents(events: readonly { content: Content; stepId?: string }[], run: Run): RunStreamEntry[] {
  return events.flatMap((event) => {
    const stepId = event.stepId === undefined ? {} : { stepId: event.stepId };
    const parts = event.content.parts.flatMap((part): RunStreamEntry[] => {
      if (event.content.role === 'model' && part.text && !part.thought) return [{ type: 'model.text', ...stepId, data: { text: part.text } }];
      if (part.functionCall) return [{ type: 'tool.call', ...stepId, data: { ...part.functionCall } }];
      if (part.functionResponse) return [{ type: 'tool.result', ...stepId, data: { ...part.functionResponse } }];
      return [];
    });
    return event.content.role === 'model' ? [...parts, usageEntry(run, event.stepId)] : parts;
  });
}

/** The run's token usage so far and its LLM-call budget: calls reserved, and left (absent when unlimited). */
export function usageEntry(run: Run, stepId: string | undefined): RunStreamEntry {
  const limit = llmCallLimitOf(run);
  return {
    type: 'usage',
    ...(stepId === undefined ? {} : { stepId }),
    data: { usage: { totalTokenCount: 0, ...run.usage }, llmCallCount: run.llmCallCount, ...(limit === undefined ? {} : { llmCallsLeft: Math.max(0, limit - run.llmCallCount) }) },
  };
}

type StepFacts = Pick<Step, 'stepId' | 'kind' | 'attempt' | 'state'> & Partial<Pick<Step, 'lastError' | 'retryTime' | 'failedAttempts' | 'remoteTask'>>;

/** An attempt of a step began (its claim). */
export function stepStartedEntry(step: StepFacts): RunStreamEntry {
  return { type: 'step.started', stepId: step.stepId, data: { kind: step.kind, attempt: step.attempt } };
}

/** A step committed (SUCCEEDED or FAILED), with the error it failed with. */
export function stepFinishedEntry(step: StepFacts): RunStreamEntry {
  return { type: 'step.finished', stepId: step.stepId, data: { kind: step.kind, attempt: step.attempt, state: step.state, ...(step.lastError ? { error: step.lastError } : {}) } };
}

/**
 * A step handed back: `step.waiting` while a remote task it follows runs, else `step.retried`
 * (a transient failure, or an attempt released), with why and when it is tried again.
 */
export function stepHandedBackEntry(step: StepFacts, waiting: boolean, now: number): RunStreamEntry {
  const retryTime = new Date(step.retryTime ?? now).toISOString();
  const data = { kind: step.kind, attempt: step.attempt, retryTime, ...(step.lastError ? { reason: step.lastError } : {}) };
  if (waiting && step.remoteTask) return { type: 'step.waiting', stepId: step.stepId, data: { ...data, taskId: step.remoteTask.taskId } };
  return { type: 'step.retried', stepId: step.stepId, data: { ...data, failedAttempts: step.failedAttempts ?? 0 } };
}
