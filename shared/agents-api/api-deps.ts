import type { AgentCreationPolicy } from '../domain/agents/agent-creation-policy.ts';
import type { PageTokenCodec } from '../domain/agents/page-token.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { SubmissionPublisher } from '../ports/submission-publisher.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import type { WebhookSecrets } from '../ports/webhook-secrets.ts';
import type { BatchStore } from '../ports/batch-store.ts';
import type { BatchPolicy } from '../domain/batches/batch-spec.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';

/** What the agents API and the deploy worker need. */
export interface ApiDeps {
  registry: AgentRegistry;
  authenticator: Authenticator;
  /**
   * The runs API reads runs here (get, list, wait, events); the pipeline writes them. The API
   * writes only the owner claim of each run it creates.
   */
  runs: Pick<RunStore, 'getRun' | 'listRunsPage' | 'watchRunDocument' | 'listStream' | 'claimRunOwner' | 'getRunClaim'>;
  /** A run's result callback and its attempts, shown with the run (get, wait, cancel). */
  callbacks: Pick<CallbackStore, 'getCallback'>;
  /** Starts runs for verified callers: the trusted submissions topic. */
  submissions: SubmissionPublisher;
  /** Publishes what registry transactions put in the outbox (deploys, lifecycle announcements), and run cancellations. */
  queue: StepQueue;
  /** Where those outbox entries are deleted once published (the sweeper publishes any left behind). */
  outbox: OutboxStore;
  pageTokens: PageTokenCodec;
  /** The parents agents may be created under and the per-user limit. */
  agentCreation: AgentCreationPolicy;
  clock: Clock;
  /** A new random id (operation, agent and refused-delivery ids). */
  newId: () => string;
  logger: Logger;
  /** Batches, their lanes and items (the batch methods; the workers write them too). */
  batches: BatchStore;
  /** Where batches may read their items from: files of this machine (the local stack only), and which buckets. */
  batchPolicy: BatchPolicy;
  /** Runs' files: input files saved by runs.create, and every file listed and downloaded (absent where none is configured). */
  artifacts?: ArtifactStore;
  /** The values of webhook triggers' secret versions, read at delivery (never returned by the API). */
  webhookSecrets: WebhookSecrets;
}
