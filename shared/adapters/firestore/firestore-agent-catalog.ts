import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { agentStateSchema } from '../../domain/agent-state.ts';
import type { AgentCatalog, CatalogAgent } from '../../ports/agent-catalog.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';

const storedAgentSchema = z
  .object({
    name: z.string(),
    state: agentStateSchema,
    creator: z.string(),
    agentAuthorization: z.string().optional(),
    definition: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('adk'), configYaml: z.string() }),
      z.object({ kind: z.literal('a2a'), agentCard: z.record(z.string(), z.unknown()) }),
    ]),
  })
  .loose();

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
    return {
      name: stored.name,
      state: stored.state,
      creator: stored.creator,
      ...(stored.agentAuthorization ? { agentAuthorization: stored.agentAuthorization } : {}),
      definition: stored.definition,
    };
  }
}
