import type { AgentLifecycle } from '../domain/agent-state.ts';
import type { Run } from '../domain/run.ts';
import type { RunTransaction } from '../ports/run-store.ts';

/**
 * The lifecycle (state and creator) of a run's registered agent, read inside the committing
 * transaction (docs/architecture.md, "Lifecycle gates"), so a suspend and a commit serialize. Inline-YAML runs have no
 * lifecycle and cost no read. Must be called before the transaction's first write.
 */
export async function readAgentLifecycle(tx: RunTransaction, run: Run): Promise<AgentLifecycle | undefined> {
  return run.agent?.registered ? tx.getAgentLifecycle(run.agent.name) : undefined;
}
