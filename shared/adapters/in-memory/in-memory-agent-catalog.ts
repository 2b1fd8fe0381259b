import type { AgentCatalog, CatalogAgent } from '../../ports/agent-catalog.ts';
import { toCatalogAgent } from '../catalog-agent-document.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';

/**
 * Registered agents in memory, stored in the same document layout as Firestore. Pass the run
 * store's documents so a run's commit reads the lifecycle the registry writes.
 */
export class InMemoryAgentCatalog implements AgentCatalog {
  readonly #documents: InMemoryDocuments;

  constructor(documents: InMemoryDocuments = new InMemoryDocuments()) {
    this.#documents = documents;
  }

  /** Registers or replaces an agent document (keeping fields the pipeline does not read). */
  put(agent: CatalogAgent): void {
    const path = documentPaths.agent(encodeAgentName(agent.name));
    const existing = (this.#documents.get(path) ?? {}) as Record<string, unknown>;
    const { agentAuthorization: _previous, ...kept } = existing;
    this.#documents.write(path, { ...kept, ...agent });
  }

  /** Deletes an agent document, as the registry's delete does. */
  remove(name: string): void {
    this.#documents.delete(documentPaths.agent(encodeAgentName(name)));
  }

  /** Grants an authorization to a user, as the registry does. Idempotent. */
  grantAuthorization(userId: string, authorization: string): void {
    this.#documents.write(documentPaths.authorizationGrant(userId, authorization), { userId, authorization });
  }

  async getAgent(name: string): Promise<CatalogAgent | undefined> {
    const data = this.#documents.get(documentPaths.agent(encodeAgentName(name)));
    return data === undefined ? undefined : toCatalogAgent(data);
  }

  async holdsAuthorization(userId: string, authorization: string): Promise<boolean> {
    return this.#documents.get(documentPaths.authorizationGrant(userId, authorization)) !== undefined;
  }
}
