import type { Content } from '../../domain/content.ts';
import { conversationCheckpointSchema, type ConversationCheckpoint } from '../../domain/conversation-checkpoint.ts';
import { rejectionSchema, type Rejection } from '../../domain/rejection.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import { runEventSchema, type RunEvent } from '../../domain/run-event.ts';
import { memoryRecordSchema, sessionEntrySchema, type SessionEntry } from '../../domain/session-entry.ts';
import { stepSchema, type Step } from '../../domain/step.ts';
import type { JoinClaim, MemoryRecord, RunStore, RunTransaction, SessionAppend } from '../../ports/run-store.ts';
import { toAgentLifecycle } from '../catalog-agent-document.ts';
import { documentPaths as paths, encodeAgentName } from '../document-paths.ts';
import { InMemoryDocuments, type InMemoryTransactionState } from './in-memory-documents.ts';

/**
 * RunStore over in-memory documents: the same transaction rules as Firestore (reads first,
 * optimistic retries, create-once), documents validated on the way in and out.
 */
export class InMemoryRunStore implements RunStore {
  readonly #documents: InMemoryDocuments;
  readonly #watchers = new Map<string, Set<(run: Run | undefined, steps: Step[]) => void>>();

  /** `documents` may be shared with an InMemoryAgentCatalog, as Firestore is in production. */
  constructor(documents: InMemoryDocuments = new InMemoryDocuments()) {
    this.#documents = documents;
  }

  async transact<T>(work: (tx: RunTransaction) => Promise<T>): Promise<T> {
    const { result, writtenPaths } = await this.#documents.runTransaction((state) => work(new InMemoryRunTransaction(state)));
    this.#notify(writtenPaths);
    return result;
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return parseOptional(runSchema, this.#documents.get(paths.run(runId)));
  }

  async listWaitingRuns(agentName: string): Promise<Run[]> {
    return this.#documents
      .listChildren(paths.runs)
      .map((value) => runSchema.parse(value))
      .filter((run) => run.state === 'WAITING' && run.agent?.name === agentName)
      .sort((a, b) => a.createTime - b.createTime || a.runId.localeCompare(b.runId));
  }

  async getSteps(runId: string, stepIds: readonly string[]): Promise<(Step | undefined)[]> {
    return stepIds.map((stepId) => parseOptional(stepSchema, this.#documents.get(paths.step(runId, stepId))));
  }

  async listSteps(runId: string): Promise<Step[]> {
    return this.#documents
      .list(`${paths.steps(runId)}/`)
      .map((value) => stepSchema.parse(value))
      .sort((a, b) => a.createTime - b.createTime || a.stepId.localeCompare(b.stepId));
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return this.#documents.list(`${paths.events(runId)}/`).map((value) => runEventSchema.parse(value));
  }

  async getConversation(runId: string, eventCount: number): Promise<ConversationCheckpoint | undefined> {
    return parseOptional(conversationCheckpointSchema, this.#documents.get(paths.conversation(runId, eventCount)));
  }

  async claimJoin(runId: string, turn: number, claimedBy: string): Promise<JoinClaim> {
    const path = paths.join(runId, turn);
    const existing = this.#documents.get(path) as JoinClaim | undefined;
    if (existing) return existing;
    const claim: JoinClaim = { runId, turn, claimedBy, committed: false };
    this.#documents.write(path, claim, true);
    return claim;
  }

  async appendToSession(entry: SessionAppend): Promise<void> {
    const path = paths.sessionEntry(entry.sessionId, entry.runId);
    if (this.#documents.get(path)) return;
    const record: SessionEntry = {
      schemaVersion: 1,
      sessionId: entry.sessionId,
      ...(entry.userId ? { userId: entry.userId } : {}),
      runId: entry.runId,
      runCreateTime: entry.runCreateTime,
      contents: entry.contents,
      createTime: entry.now,
    };
    this.#documents.write(path, sessionEntrySchema.parse(record));
  }

  async listSessionContents(sessionId: string): Promise<Content[]> {
    return this.#documents
      .list(`${paths.sessionEntries(sessionId)}/`)
      .map((value) => sessionEntrySchema.parse(value))
      .sort((a, b) => a.runCreateTime - b.runCreateTime || a.runId.localeCompare(b.runId))
      .flatMap((entry) => entry.contents);
  }

  async putMemory(memory: MemoryRecord): Promise<void> {
    this.#documents.write(paths.memory(memory.userId, memory.memoryId), memoryRecordSchema.parse(memory));
  }

  async listMemories(userId: string): Promise<MemoryRecord[]> {
    return this.#documents
      .list(`${paths.memories(userId)}/`)
      .map((value) => memoryRecordSchema.parse(value) as MemoryRecord)
      .sort((a, b) => b.createTime - a.createTime);
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    const path = paths.rejection(rejection.id);
    if (!this.#documents.get(path)) this.#documents.write(path, rejectionSchema.parse(rejection));
  }

  async getRejection(id: string): Promise<Rejection | undefined> {
    return parseOptional(rejectionSchema, this.#documents.get(paths.rejection(id)));
  }

  watchRun(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): () => void {
    const listeners = this.#watchers.get(runId) ?? new Set();
    listeners.add(listener);
    this.#watchers.set(runId, listeners);
    void this.#emit(runId, listener);
    return () => listeners.delete(listener);
  }

  #notify(writtenPaths: string[]): void {
    const runIds = new Set(writtenPaths.flatMap((path) => (path.startsWith('runs/') ? [path.split('/')[1]!] : [])));
    for (const runId of runIds) for (const listener of this.#watchers.get(runId) ?? []) void this.#emit(runId, listener);
  }

  async #emit(runId: string, listener: (run: Run | undefined, steps: Step[]) => void): Promise<void> {
    listener(await this.getRun(runId), await this.listSteps(runId));
  }
}

class InMemoryRunTransaction implements RunTransaction {
  readonly #state: InMemoryTransactionState;

  constructor(state: InMemoryTransactionState) {
    this.#state = state;
  }

  async getRun(runId: string) {
    return parseOptional(runSchema, this.#state.read(paths.run(runId)));
  }
  async getStep(runId: string, stepId: string) {
    return parseOptional(stepSchema, this.#state.read(paths.step(runId, stepId)));
  }
  async getJoin(runId: string, turn: number) {
    return this.#state.read(paths.join(runId, turn)) as JoinClaim | undefined;
  }
  async getConversation(runId: string, eventCount: number) {
    return parseOptional(conversationCheckpointSchema, this.#state.read(paths.conversation(runId, eventCount)));
  }
  async getAgentLifecycle(agentName: string) {
    const document = this.#state.read(paths.agent(encodeAgentName(agentName)));
    return document === undefined ? undefined : toAgentLifecycle(document);
  }
  createRun(run: Run) {
    this.#state.write(paths.run(run.runId), runSchema.parse(run), true);
  }
  putRun(run: Run) {
    this.#state.write(paths.run(run.runId), runSchema.parse(run));
  }
  createStep(step: Step) {
    this.#state.write(paths.step(step.runId, step.stepId), stepSchema.parse(step), true);
  }
  putStep(step: Step) {
    this.#state.write(paths.step(step.runId, step.stepId), stepSchema.parse(step));
  }
  putJoin(join: JoinClaim) {
    this.#state.write(paths.join(join.runId, join.turn), join);
  }
  putEvents(runId: string, events: RunEvent[]) {
    for (const event of events) this.#state.write(paths.event(runId, event.seq), runEventSchema.parse(event));
  }
  putConversation(checkpoint: ConversationCheckpoint) {
    const path = paths.conversation(checkpoint.runId, checkpoint.eventCount);
    this.#state.write(path, conversationCheckpointSchema.parse(checkpoint));
  }
}

function parseOptional<T>(schema: { parse(value: unknown): T }, value: unknown): T | undefined {
  return value === undefined ? undefined : schema.parse(value);
}
