import type { PageTokenCodec } from '../domain/agents/page-token.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { StepQueue } from '../ports/step-queue.ts';

/** What the agents API and the deploy worker need. */
export interface ApiDeps {
  registry: AgentRegistry;
  authenticator: Authenticator;
  /** Publishes the deploy worker's messages (outbox topic `agent-deploy`). */
  queue: StepQueue;
  pageTokens: PageTokenCodec;
  clock: Clock;
  /** A new random id (operation and agent ids). */
  newId: () => string;
  logger: Logger;
  /**
   * Tells the pipeline an agent's lifecycle changed (after enableAgent and delete commit), so
   * runs its suspension parked resume, or fail when it was deleted.
   */
  announceLifecycleChange: (agentName: string) => Promise<void>;
}
