import { callbackStateSchema, type CallbackState } from '../../domain/callback-delivery.ts';
import { callbackExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import type { CallbackStore, CallbackTransaction } from '../../ports/callback-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { InMemoryDocuments, type InMemoryTransactionState } from './in-memory-documents.ts';
import { parseOptional } from './in-memory-run-transaction.ts';
import { testRetention } from './in-memory-run-store.ts';

/** CallbackStore over in-memory documents (share them with the run store, as Firestore is shared). */
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

  async getCallback(runId: string): Promise<CallbackState | undefined> {
    return parseOptional(callbackStateSchema, this.#documents.get(paths.callback(runId)));
  }

  async listDueCallbacks(before: number, limit: number): Promise<CallbackState[]> {
    return this.#documents
      .listGroup('callback')
      .map(({ value }) => callbackStateSchema.parse(value))
      .filter((state) => state.dueTime !== undefined && state.dueTime <= before)
      .sort((a, b) => a.dueTime! - b.dueTime! || a.runId.localeCompare(b.runId))
      .slice(0, limit);
  }

  #transaction(state: InMemoryTransactionState): CallbackTransaction {
    return {
      getRun: async (runId) => parseOptional(runSchema, state.read(paths.run(runId))),
      getCallback: async (runId) => parseOptional(callbackStateSchema, state.read(paths.callback(runId))),
      putCallback: (callback: CallbackState, run: Run) => {
        state.write(paths.callback(callback.runId), { ...callbackStateSchema.parse(callback), expireTime: callbackExpireTime(run, this.#retention) });
      },
    };
  }
}
