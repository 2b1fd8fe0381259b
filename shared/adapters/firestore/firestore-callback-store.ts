import { Timestamp, type Firestore, type Transaction } from '@google-cloud/firestore';
import type { CallbackSubject } from '../../domain/callback.ts';
import { callbackStateSchema, callbackSubjectOf, type CallbackState, type CallbackSubjectRecord } from '../../domain/callback-delivery.ts';
import { callbackExpireTime, type RetentionPolicy } from '../../domain/retention.ts';
import { runSchema } from '../../domain/run.ts';
import type { CallbackStore, CallbackTransaction } from '../../ports/callback-store.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { FirestoreBatchTransaction } from './firestore-batch-store.ts';
import { codecs, fromFirestore, toFirestore } from './firestore-codec.ts';
import { fromFirestoreError } from './firestore-errors.ts';
import { readDocument } from './firestore-run-transaction.ts';

/**
 * CallbackStore on Firestore: `runs/{runId}/callback/state` and `batches/{batchId}/callback/state`,
 * validated in and out, expiring with what they report on.
 */
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

  async getCallback(subject: CallbackSubject): Promise<CallbackState | undefined> {
    return readDocument(await this.#db.doc(paths.callbackOf(subject)).get(), callbackStateSchema, codecs.callback);
  }

  async listDueCallbacks(before: number, limit: number): Promise<CallbackState[]> {
    // A collection-group query on one field (runs' and batches' deliveries alike): served by the single-field index declared in infra/.
    const snapshot = await this.#db.collectionGroup('callback').where('dueTime', '<=', Timestamp.fromMillis(before)).orderBy('dueTime').limit(limit).get();
    return snapshot.docs.map((doc) => callbackStateSchema.parse(fromFirestore(doc.data(), codecs.callback)));
  }

  #transaction(transaction: Transaction): CallbackTransaction {
    return {
      getSubject: async (subject): Promise<CallbackSubjectRecord | undefined> => {
        if (subject.kind === 'run') {
          const run = readDocument(await transaction.get(this.#db.doc(paths.run(subject.id))), runSchema, codecs.run);
          return run && { kind: 'run', run };
        }
        const batches = new FirestoreBatchTransaction(this.#db, transaction, this.#retention);
        const batch = await batches.getBatch(subject.id);
        return batch && { kind: 'batch', batch, lanes: await batches.getLanes(subject.id) };
      },
      getCallback: async (subject) => readDocument(await transaction.get(this.#db.doc(paths.callbackOf(subject))), callbackStateSchema, codecs.callback),
      putCallback: (callback, record) => {
        const data = { ...callbackStateSchema.parse(callback), expireTime: callbackExpireTime(record, this.#retention) };
        transaction.set(this.#db.doc(paths.callbackOf(callbackSubjectOf(callback))), toFirestore(data, codecs.callback));
      },
    };
  }
}
