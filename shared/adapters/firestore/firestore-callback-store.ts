import { Timestamp, type Firestore, type Transaction } from '@google-cloud/firestore';
import { callbackStateSchema, type CallbackState } from '../../domain/callback-delivery.ts';
import { callbackExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema, type Run } from '../../domain/run.ts';
import type { CallbackStore, CallbackTransaction } from '../../ports/callback-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { codecs, fromFirestore, toFirestore } from './firestore-codec.ts';
import { fromFirestoreError } from './firestore-errors.ts';
import { readDocument } from './firestore-run-transaction.ts';

/** CallbackStore on Firestore: `runs/{runId}/callback/state`, validated in and out, expiring with its run. */
export class FirestoreCallbackStore implements CallbackStore {
  readonly #db: Firestore;
  readonly #retention: RetentionPolicy;

  constructor(db: Firestore, retention: RetentionPolicy) {
    this.#db = db;
    this.#retention = retention;
  }

  async transact<T>(work: (tx: CallbackTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.#db.runTransaction((transaction) => work(this.#transaction(transaction)), { maxAttempts: 10 });
    } catch (error) {
      throw fromFirestoreError(error);
    }
  }

  async getCallback(runId: string): Promise<CallbackState | undefined> {
    return readDocument(await this.#db.doc(paths.callback(runId)).get(), callbackStateSchema, codecs.callback);
  }

  async listDueCallbacks(before: number, limit: number): Promise<CallbackState[]> {
    // A collection-group query on one field: served by the single-field index declared in infra/.
    const snapshot = await this.#db.collectionGroup('callback').where('dueTime', '<=', Timestamp.fromMillis(before)).orderBy('dueTime').limit(limit).get();
    return snapshot.docs.map((doc) => callbackStateSchema.parse(fromFirestore(doc.data(), codecs.callback)));
  }

  #transaction(transaction: Transaction): CallbackTransaction {
    return {
      getRun: async (runId) => readDocument(await transaction.get(this.#db.doc(paths.run(runId))), runSchema, codecs.run),
      getCallback: async (runId) => readDocument(await transaction.get(this.#db.doc(paths.callback(runId))), callbackStateSchema, codecs.callback),
      putCallback: (callback: CallbackState, run: Run) => {
        const data = { ...callbackStateSchema.parse(callback), expireTime: callbackExpireTime(run, this.#retention) };
        transaction.set(this.#db.doc(paths.callback(callback.runId)), toFirestore(data, codecs.callback));
      },
    };
  }
}
