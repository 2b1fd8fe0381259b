import type { Submission } from '../domain/submission.ts';

/** Starts runs: publishes a submission on a submissions topic. */
export interface SubmissionPublisher {
  /**
   * Publishes `submission` (with `attributes`, e.g. the submitter's proof); resolves with the
   * message id once accepted. Publishing the same keyed submission twice starts one run.
   */
  publish(submission: Submission, attributes?: Record<string, string>): Promise<string>;
}
