import type { CallbackSubject } from '../../domain/callback.ts';
import { callbackStateSchema, callbackSubjectOf, type CallbackState, type CallbackSubjectRecord } from '../../domain/callback-delivery.ts';
import { callbackExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema } from '../../domain/run.ts';
import type { CallbackStore, CallbackTransaction } from '../../ports/callback-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { InMemoryBatchTransaction } from './in-memory-batch-store.ts';
import { InMemoryDocuments, type InMemoryTransactionState } from './in-memory-documents.ts';
import { parseOptional } from './in-memory-run-transaction.ts';
import { testRetention } from './in-memory-run-store.ts';

/** CallbackStore over in-memory documents (share them with the run and batch stores, as Firestore is shared). */
export class InMemoryCallbackStore implements CallbackStore {
  readonly #documents: InMemoryDocuments;
  readonly #retention: RetentionPolicy;

  constructor(documents: InMemoryDocuments = new InMemoryDocuments(), retention: RetentionPolicy = testRetention) {
    this.#documents = documents;
    this.#retention = retention;
  }

  async transact<T>(work: (tx: CallbackTransaction) => Promise<T>): Promise<T> {
    const { result } = await this.#documents.runTransaction((state) => work(this.#transaction(state)));
    return result;
  }

  async getCallback(subject: CallbackSubject): Promise<CallbackState | undefined> {
    return parseOptional(callbackStateSchema, this.#documents.get(paths.callbackOf(subject)));
  }

  async listDueCallbacks(before: number, limit: number): Promise<CallbackState[]> {
    return this.#documents
      .listGroup('callback')
      .map(({ value }) => callbackStateSchema.parse(value))
      .filter((state) => state.dueTime !== undefined && state.dueTime <= before)
      .sort((a, b) => a.dueTime! - b.dueTime! || callbackSubjectOf(a).id.localeCompare(callbackSubjectOf(b).id))
      .slice(0, limit);
  }

  #transaction(state: InMemoryTransactionState): CallbackTransaction {
    return {
      getSubject: async (subject): Promise<CallbackSubjectRecord | undefined> => {
        if (subject.kind === 'run') {
          const run = parseOptional(runSchema, state.read(paths.run(subject.id)));
          return run && { kind: 'run', run };
        }
        const batches = new InMemoryBatchTransaction(state);
        const batch = await batches.getBatch(subject.id);
        return batch && { kind: 'batch', batch, lanes: await batches.getLanes(subject.id) };
      },
      getCallback: async (subject) => parseOptional(callbackStateSchema, state.read(paths.callbackOf(subject))),
      putCallback: (callback, record) => {
        state.write(paths.callbackOf(callbackSubjectOf(callback)), { ...callbackStateSchema.parse(callback), expireTime: callbackExpireTime(record, this.#retention) });
      },
    };
  }
}
