import { describe, expect, it } from 'vitest';
import { ResourceExistsError } from '../domain/errors.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import { sampleAgentRecord, sampleOperation, sampleParent } from './agent-fixtures.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A registry and the pipeline's catalog over the same database, as in production. */
export interface RegistryWithCatalog {
  registry: AgentRegistry;
  catalog: AgentCatalog;
}

/**
 * The behaviour every AgentRegistry must have, and what the AgentCatalog of the same backend
 * reads of what it writes: run in memory in unit tests and against Firestore (emulator) in
 * integration tests.
 */
export function describeAgentRegistryContract(name: string, createRegistry: () => RegistryWithCatalog): void {
  describe(`AgentRegistry contract: ${name}`, () => {
    it('returns undefined for an agent, operation or grant that does not exist', async () => {
      const { registry, catalog } = createRegistry();
      expect(await registry.getAgentRecord(`${sampleParent}/agents/${uniqueId('missing')}`)).toBeUndefined();
      expect(await catalog.getAgent(`${sampleParent}/agents/${uniqueId('missing')}`)).toBeUndefined();
      expect(await registry.getOperation(`${sampleParent}/agents/x/operations/${uniqueId('op')}`)).toBeUndefined();
      expect(await registry.listGrants(uniqueId('u'))).toEqual([]);
    });

    it('returns a created agent equal to what was written, and the catalog sees its pipeline view', async () => {
      const { registry, catalog } = createRegistry();
      const record = sampleAgentRecord(uniqueId('a'), { agentAuthorization: 'projects/p1/locations/global/authorizations/z' });
      await registry.transact(async (tx) => tx.createAgent(record));
      expect(await registry.getAgentRecord(record.name)).toEqual(record);
      expect(await catalog.getAgent(record.name)).toEqual({
        name: record.name,
        state: 'CONFIGURED',
        creator: 'ada',
        agentAuthorization: 'projects/p1/locations/global/authorizations/z',
        definition: record.definition,
      });
    });

    it('refuses to create an agent that exists with ALREADY_EXISTS', async () => {
      const { registry } = createRegistry();
      const record = sampleAgentRecord(uniqueId('a'));
      await registry.transact(async (tx) => tx.createAgent(record));
      await expect(registry.transact(async (tx) => tx.createAgent(record))).rejects.toBeInstanceOf(ResourceExistsError);
    });

    it('applies nothing when the transaction work throws', async () => {
      const { registry } = createRegistry();
      const record = sampleAgentRecord(uniqueId('a'));
      await expect(
        registry.transact(async (tx) => {
          tx.createAgent(record);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await registry.getAgentRecord(record.name)).toBeUndefined();
    });

    it('replaces and deletes agents, lists only the agents under one parent, and the catalog follows', async () => {
      const { registry, catalog } = createRegistry();
      const parent = `projects/p1/locations/global/collections/c/engines/${uniqueId('e')}`;
      const first = sampleAgentRecord('first', { parent });
      const second = sampleAgentRecord('second', { parent });
      const elsewhere = sampleAgentRecord(uniqueId('other'));
      await registry.transact(async (tx) => {
        tx.createAgent(first);
        tx.createAgent(second);
        tx.createAgent(elsewhere);
      });
      await registry.transact(async (tx) => tx.putAgent({ ...first, state: 'ENABLED' }));
      await registry.transact(async (tx) => tx.deleteAgent(second));
      expect(await registry.listAgents(parent)).toEqual([{ ...first, state: 'ENABLED' }]);
      expect((await catalog.getAgent(first.name))?.state).toBe('ENABLED');
      expect(await catalog.getAgent(second.name)).toBeUndefined();
    });

    it('serializes concurrent read-modify-write transactions on one agent so no update is lost', async () => {
      const { registry } = createRegistry();
      const record = sampleAgentRecord(uniqueId('a'), { fields: { displayName: 'n', description: 'd' } });
      await registry.transact(async (tx) => tx.createAgent(record));
      const append = (letter: string) =>
        registry.transact(async (tx) => {
          const current = (await tx.getAgent(record.name))!;
          tx.putAgent({ ...current, fields: { ...current.fields, displayName: `${current.fields.displayName}${letter}` } });
        });
      await Promise.all([append('x'), append('y')]);
      expect((await registry.getAgentRecord(record.name))?.fields.displayName).toHaveLength(3);
    });

    it('counts the agents a user created and has not deleted, and not a create that failed', async () => {
      const { registry } = createRegistry();
      const creator = uniqueId('u');
      const count = () => registry.transact((tx) => tx.countAgentsCreatedBy(creator));
      expect(await count()).toBe(0);
      const [first, second] = [sampleAgentRecord(uniqueId('a'), { creator }), sampleAgentRecord(uniqueId('a'), { creator })];
      await registry.transact(async (tx) => {
        tx.createAgent(first);
        tx.createAgent(second);
      });
      await registry.transact(async (tx) => tx.createAgent(sampleAgentRecord(uniqueId('a'))));
      expect(await count()).toBe(2);
      await expect(registry.transact(async (tx) => tx.createAgent(first))).rejects.toBeInstanceOf(ResourceExistsError);
      await registry.transact(async (tx) => tx.deleteAgent((await tx.getAgent(first.name))!));
      expect(await count()).toBe(1);
    });

    it('makes concurrent creates that check a limit against the count re-run, so the limit holds', async () => {
      const { registry } = createRegistry();
      const creator = uniqueId('u');
      const limit = 3;
      const createBelowLimit = (index: number) =>
        registry.transact(async (tx) => {
          if ((await tx.countAgentsCreatedBy(creator)) >= limit) return false;
          tx.createAgent(sampleAgentRecord(`${uniqueId('a')}x${index}`, { creator }));
          return true;
        });
      const created = await Promise.all(Array.from({ length: 6 }, (_, index) => createBelowLimit(index)));
      expect(created.filter(Boolean)).toHaveLength(limit);
      expect(await registry.transact((tx) => tx.countAgentsCreatedBy(creator))).toBe(limit);
    });

    it('writes an operation and its agent in one transaction and reads the operation back', async () => {
      const { registry } = createRegistry();
      const record = sampleAgentRecord(uniqueId('a'));
      const operation = sampleOperation(`${record.name}/operations/${uniqueId('op')}`, {
        done: true,
        error: { code: 9, message: 'bad', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'X' }] },
        response: { '@type': 'type.googleapis.com/google.protobuf.Empty', nested: [{ list: [1, 2] }] },
      });
      await registry.transact(async (tx) => {
        tx.createAgent(record);
        tx.putOperation(operation);
      });
      expect(await registry.getOperation(operation.name)).toEqual(operation);
      expect(await registry.transact((tx) => tx.getOperation(operation.name))).toEqual(operation);
    });

    it('grants, lists and revokes authorizations idempotently, and the catalog sees who holds one', async () => {
      const { registry, catalog } = createRegistry();
      const userId = uniqueId('u');
      const grant = { userId, authorization: 'projects/p/locations/global/authorizations/b', grantedBy: 'root', grantTime: 1_700_000_000_000 };
      await registry.putGrant(grant);
      await registry.putGrant(grant);
      const other = { ...grant, authorization: 'projects/p/locations/global/authorizations/a' };
      await registry.putGrant(other);
      expect(await registry.listGrants(userId)).toEqual([other, grant]);
      expect(await catalog.holdsAuthorization(userId, grant.authorization)).toBe(true);
      await registry.deleteGrant(userId, grant.authorization);
      await registry.deleteGrant(userId, grant.authorization);
      expect(await registry.listGrants(userId)).toEqual([other]);
      expect(await catalog.holdsAuthorization(userId, grant.authorization)).toBe(false);
    });
  });
}
