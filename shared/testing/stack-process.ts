import { createInterface } from 'node:readline';
import { z } from 'zod';
import { topology } from '../../infra/topology.ts';
import { PubSubSubmissionPublisher } from '../adapters/pubsub/pubsub-submission-publisher.ts';
import { deriveRunId, submissionSchema } from '../domain/submission.ts';
import { registerCleanup } from '../local-stack/register-cleanup.ts';
import { startLocalStack } from '../local-stack/start-local-stack.ts';
import { submissionAuthAttributes } from './test-tokens.ts';

/**
 * A local stack in a process of its own, as `agentline dev` runs one, for tests that kill it:
 * started with a JSON `StackProcessOptions` argument, it prints `{"ready": …}` once up and then
 * answers one JSON command per stdin line with one JSON line on stdout — `{"submit": submission}`
 * → `{"runId": …}`, `{"get": runId}` → `{"run": run | null}`. Ctrl-C (SIGINT) and SIGTERM stop it
 * gracefully, as they stop `agentline dev`.
 */
const optionsSchema = z.object({ projectId: z.string(), dataDir: z.string(), env: z.record(z.string(), z.string()), sweepIntervalMs: z.number().optional() });
export type StackProcessOptions = z.infer<typeof optionsSchema>;

const commandSchema = z.union([z.object({ submit: submissionSchema }), z.object({ get: z.string() })]);

const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const stack = await startLocalStack({ ...options, onWarning: (message) => process.stderr.write(`${message}\n`) });
registerCleanup(() => stack.stop());
const publisher = new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic);
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
answer({ ready: { functionsUrl: stack.functionsUrl, pids: stack.pids } });

for await (const line of createInterface({ input: process.stdin })) {
  const command = commandSchema.parse(JSON.parse(line));
  if ('submit' in command) {
    const { userId } = command.submit;
    const attributes = userId ? submissionAuthAttributes(stack.localAuthSecret, userId) : {};
    answer({ runId: deriveRunId(command.submit, await publisher.publish(command.submit, attributes)) });
  }
  else answer({ run: (await stack.deps.store.getRun(command.get)) ?? null });
}
