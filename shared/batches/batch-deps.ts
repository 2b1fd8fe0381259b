import type { BatchPolicy } from '../domain/batches/batch-spec.ts';
import type { BatchStore } from '../ports/batch-store.ts';
import type { ReadBatchSource } from '../ports/batch-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { StepQueue } from '../ports/step-queue.ts';

/** What the batch workers and methods run on. */
export interface BatchDeps {
  batches: BatchStore;
  runs: Pick<RunStore, 'getRun'>;
  queue: StepQueue;
  outbox: OutboxStore;
  clock: Clock;
  logger: Logger;
  /** Reads a chunk of a batch's source. */
  readSource: ReadBatchSource;
  /** What this deployment may read for whom (checked again before every read). */
  batchPolicy: BatchPolicy;
}
