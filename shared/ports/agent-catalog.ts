/** A registered agent's definition as submitted runs resolve it by name. */
export interface CatalogAgent {
  name: string;
  /** ADK Agent Config YAML. */
  configYaml: string;
}

/** Looks up registered agents by resource name. */
export interface AgentCatalog {
  /** Undefined when no agent has that name. */
  getAgent(name: string): Promise<CatalogAgent | undefined>;
}
