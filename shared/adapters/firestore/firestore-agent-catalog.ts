import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { AgentCatalog, CatalogAgent } from '../../ports/agent-catalog.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';

const storedAgentSchema = z.object({ name: z.string(), configYaml: z.string() }).loose();

/** Registered agents in Firestore, `agents/{url-encoded resource name}`. */
export class FirestoreAgentCatalog implements AgentCatalog {
  readonly #db: Firestore;

  constructor(db: Firestore) {
    this.#db = db;
  }

  async getAgent(name: string): Promise<CatalogAgent | undefined> {
    const snapshot = await this.#db.doc(documentPaths.agent(encodeAgentName(name))).get();
    if (!snapshot.exists) return undefined;
    const stored = storedAgentSchema.parse(snapshot.data());
    return { name: stored.name, configYaml: stored.configYaml };
  }
}
