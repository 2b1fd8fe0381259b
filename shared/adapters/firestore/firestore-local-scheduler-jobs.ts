import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { SchedulerJob, SchedulerJobs } from '../../ports/scheduler-jobs.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { fromFirestoreError } from './firestore-errors.ts';

const jobSchema = z.object({
  id: z.string(),
  cron: z.string(),
  timeZone: z.string(),
  paused: z.boolean(),
  message: z.object({ schedule: z.string() }),
});

/**
 * The local stack's stand-in for Cloud Scheduler: each schedule's job as a document of the
 * stack's Firestore (`localSchedulerJobs/{id}`), written by the same sync worker as deployed and
 * ticked by the stack's own clock (local-stack/local-scheduler-clock.ts).
 */
export class FirestoreLocalSchedulerJobs implements SchedulerJobs {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  async put(job: SchedulerJob): Promise<void> {
    await this.#db.doc(paths.localSchedulerJob(job.id)).set({ schemaVersion: 1, ...jobSchema.parse(job) }).catch((error: unknown) => Promise.reject(fromFirestoreError(error)));
  }

  async delete(jobId: string): Promise<void> {
    await this.#db.doc(paths.localSchedulerJob(jobId)).delete().catch((error: unknown) => Promise.reject(fromFirestoreError(error)));
  }

  /** Every job, for the clock. */
  async list(): Promise<SchedulerJob[]> {
    const snapshot = await this.#db.collection(paths.localSchedulerJobs).get();
    return snapshot.docs.map((doc) => jobSchema.parse(doc.data()));
  }
}
