import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { RetentionPolicy } from '../../domain/retention.ts';
import { fromFirestoreError } from './firestore-errors.ts';

/** Runs `work` on a port's transaction over a Firestore transaction, re-run on contention (at most 10 attempts); errors in the ports' terms. */
export async function runFirestoreTransaction<Tx, T>(db: Firestore, open: (transaction: Transaction) => Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.runTransaction((transaction) => work(open(transaction)), { maxAttempts: 10 });
  } catch (error) {
    throw fromFirestoreError(error);
  }
}

/** What a port's transaction over Firestore holds: the database, the transaction, and the retention that stamps what it writes. */
export abstract class FirestoreTransactionScope {
  protected readonly db: Firestore;
  protected readonly transaction: Transaction;
  protected readonly retention: RetentionPolicy;

  constructor(db: Firestore, transaction: Transaction, retention: RetentionPolicy) {
    this.db = db;
    this.transaction = transaction;
    this.retention = retention;
  }
}
