/** Cloud operations counted by the instrumented adapters while a benchmark phase runs. */
export interface OperationCounts {
  documentReads: number;
  documentWrites: number;
  transactions: number;
  /**
   * Transactions by what they wrote (their last attempt): a commit moves a run on (writes the run,
   * new steps, events, a join, or a finished step); a claim only marks a step RUNNING before its
   * effect; the rest hand an attempt back (PENDING) or write nothing.
   */
  commitTransactions: number;
  claimTransactions: number;
  otherTransactions: number;
  /** Transaction attempts beyond the first (contention). */
  transactionRetries: number;
  pubsubMessages: number;
  /** Messages pushed to a subscriber (every step topic has one push subscription; results has none). */
  pubsubDeliveries: number;
  /** Bytes of message data published (for Pub/Sub's throughput price). */
  pubsubBytes: number;
  /** Publishes and deliveries billed at Pub/Sub's 1,000-byte minimum: the sum of max(1000, size). */
  pubsubBilledBytes: number;
}

export function zeroCounts(): OperationCounts {
  return {
    documentReads: 0,
    documentWrites: 0,
    transactions: 0,
    commitTransactions: 0,
    claimTransactions: 0,
    otherTransactions: 0,
    transactionRetries: 0,
    pubsubMessages: 0,
    pubsubDeliveries: 0,
    pubsubBytes: 0,
    pubsubBilledBytes: 0,
  };
}

/** Counts accumulated since `before` was copied. */
export function countsSince(now: OperationCounts, before: OperationCounts): OperationCounts {
  const result = zeroCounts();
  for (const key of Object.keys(result) as (keyof OperationCounts)[]) result[key] = now[key] - before[key];
  return result;
}

export function scaleCounts(counts: OperationCounts, divisor: number): OperationCounts {
  const result = zeroCounts();
  for (const key of Object.keys(result) as (keyof OperationCounts)[]) result[key] = counts[key] / divisor;
  return result;
}

/** Pub/Sub bills each publish and each delivery at no less than 1,000 bytes. */
export const pubsubMinimumBilledBytes = 1_000;
