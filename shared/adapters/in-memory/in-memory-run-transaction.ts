import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { outboxEntrySchema, type OutboxEntry } from '../../domain/outbox.ts';
import { recordExpireTime, runExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { runStreamRecordSchema, type RunStreamRecord } from '../../domain/run-stream.ts';
import { memoryRecordSchema, sessionEntrySchema, type SessionEntry } from '../../domain/session-entry.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunTransaction } from '../../ports/run-store.ts';
import { toAgentLifecycle } from '../catalog-agent-document.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import type { InMemoryTransactionState } from './in-memory-documents.ts';

/** A RunTransaction over one in-memory transaction attempt; run data stamped with its expiry as in Firestore. */
export class InMemoryRunTransaction implements RunTransaction {
  readonly #state: InMemoryTransactionState;
  readonly #retention: RetentionPolicy;

  constructor(state: InMemoryTransactionState, retention: RetentionPolicy) {
    this.#state = state;
    this.#retention = retention;
  }

  async getRun(runId: string) {
    const run = parseOptional(runSchema, this.#state.read(paths.run(runId)));
    if (!run || run.streamCount !== undefined) return run;
    // As Firestore's: number on from the stream's last record when an older writer dropped the count.
    const seqs = this.#state.readChildren(paths.streamRecords(runId)).map((record) => (record as { seq: number }).seq);
    return seqs.length === 0 ? run : { ...run, streamCount: Math.max(...seqs) + 1 };
  }
  async getStep(runId: string, stepId: string) {
    return parseOptional(stepSchema, this.#state.read(paths.step(runId, stepId)));
  }
  async getJoin(runId: string, turn: number) {
    const stored = this.#state.read(paths.join(runId, turn)) as (JoinClaim & { expireTime?: number }) | undefined;
    if (!stored) return undefined;
    const { expireTime: _expiry, ...join } = stored;
    return join;
  }
  async getConversation(runId: string) {
    return parseOptional(conversationCheckpointSchema, this.#state.read(paths.conversation(runId)));
  }
  async getAgentLifecycle(agentName: string) {
    const document = this.#state.read(paths.agent(encodeAgentName(agentName)));
    return document === undefined ? undefined : toAgentLifecycle(document);
  }
  createRun(run: Run) {
    this.#state.write(paths.run(run.runId), this.#runValue(run), true);
  }
  putRun(run: Run) {
    this.#state.write(paths.run(run.runId), this.#runValue(run));
  }
  createStep(step: Step) {
    this.#state.write(paths.step(step.runId, step.stepId), this.#expiring(stepSchema.parse(step)), true);
  }
  putStep(step: Step) {
    this.#state.write(paths.step(step.runId, step.stepId), this.#expiring(stepSchema.parse(step)));
  }
  putJoin(join: JoinClaim) {
    this.#state.write(paths.join(join.runId, join.turn), join.createTime === undefined ? join : this.#expiring({ ...join, createTime: join.createTime }));
  }
  putEvents(runId: string, events: RunEvent[]) {
    for (const event of events) this.#state.write(paths.event(runId, event.seq), this.#expiring(runEventSchema.parse(event)));
  }
  putStreamRecords(runId: string, records: RunStreamRecord[]) {
    for (const record of records) this.#state.write(paths.streamRecord(runId, record.seq), this.#expiring(runStreamRecordSchema.parse(record)));
  }
  putConversation(checkpoint: ConversationCheckpoint) {
    this.#state.write(paths.conversation(checkpoint.runId), this.#expiring(conversationCheckpointSchema.parse(checkpoint)));
  }
  putOutbox(entry: OutboxEntry) {
    this.#state.write(paths.outbox(entry.id), this.#expiring(outboxEntrySchema.parse(entry)));
  }
  putSessionEntry(entry: SessionEntry) {
    this.#state.write(paths.sessionEntry(entry.userId, entry.sessionId, entry.runId), sessionEntrySchema.parse(entry));
  }
  putMemory(memory: MemoryRecord) {
    this.#state.write(paths.memory(memory.userId, memory.memoryId), memoryRecordSchema.parse(memory));
  }

  #runValue(run: Run) {
    const parsed = runSchema.parse(run);
    return { ...parsed, expireTime: runExpireTime(parsed, this.#retention) };
  }

  #expiring<T extends { createTime: number }>(record: T) {
    return { ...record, expireTime: recordExpireTime(record.createTime, this.#retention) };
  }
}

export function parseOptional<T>(schema: { parse(value: unknown): T }, value: unknown): T | undefined {
  return value === undefined ? undefined : schema.parse(value);
}
