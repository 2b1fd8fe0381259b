import type { AgentCatalog, CatalogAgent } from '../../ports/agent-catalog.ts';

/** Registered agents held in memory; returns copies. */
export class InMemoryAgentCatalog implements AgentCatalog {
  readonly #agents = new Map<string, CatalogAgent>();

  /** Registers or replaces an agent. */
  put(agent: CatalogAgent): void {
    this.#agents.set(agent.name, { ...agent });
  }

  async getAgent(name: string): Promise<CatalogAgent | undefined> {
    const agent = this.#agents.get(name);
    return agent ? { ...agent } : undefined;
  }
}
