import type { Firestore } from '@google-cloud/firestore';
import type { AgentCatalog, CatalogAgent } from '../../ports/agent-catalog.ts';
import { toCatalogAgent } from '../catalog-agent-document.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';

/** Registered agents in Firestore, `agents/{url-encoded resource name}`. */
export class FirestoreAgentCatalog implements AgentCatalog {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  async getAgent(name: string): Promise<CatalogAgent | undefined> {
    const snapshot = await this.#db.doc(documentPaths.agent(encodeAgentName(name))).get();
    return snapshot.exists ? toCatalogAgent(snapshot.data()) : undefined;
  }

  async holdsAuthorization(userId: string, authorization: string): Promise<boolean> {
    return (await this.#db.doc(documentPaths.authorizationGrant(userId, authorization)).get()).exists;
  }
}
