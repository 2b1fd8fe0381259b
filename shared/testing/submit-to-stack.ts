import { topology } from '../../infra/topology.ts';
import { PubSubSubmissionPublisher } from '../adapters/pubsub/pubsub-submission-publisher.ts';
import { deriveRunId, type Submission } from '../domain/submission.ts';
import type { LocalStack } from '../local-stack/start-local-stack.ts';

/** Publishes a submission on the tasks topic, as `agentline run` does; returns the run id it gets. */
export async function submitToStack(stack: Pick<LocalStack, 'deps'>, submission: Submission): Promise<string> {
  const messageId = await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic).publish(submission);
  return deriveRunId(submission, messageId);
}
