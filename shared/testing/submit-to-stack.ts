import { topology } from '../../infra/topology.ts';
import { PubSubSubmissionPublisher } from '../adapters/pubsub/pubsub-submission-publisher.ts';
import { deriveRunId, type Submission } from '../domain/submission.ts';
import type { LocalStack } from '../local-stack/start-local-stack.ts';
import { submissionAuthAttributes } from './test-tokens.ts';

/**
 * Publishes a submission on the tasks topic, as `agentline run` does, with a token for its
 * `userId` (signed with the stack's local secret); returns the run id it gets.
 */
export async function submitToStack(stack: Pick<LocalStack, 'deps' | 'localAuthSecret'>, submission: Submission): Promise<string> {
  const attributes = submission.userId ? submissionAuthAttributes(stack.localAuthSecret, submission.userId) : {};
  const messageId = await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic).publish(submission, attributes);
  return deriveRunId(submission, messageId);
}
