import { describe, expect, it } from 'vitest';
import { ResourceExistsError } from '../domain/errors.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import { audiencesOf } from '../domain/agents/list-audience.ts';
import { compareSortKeys, orderableFields, sortKeyOf, type AgentSortKey } from '../domain/agents/list-request.ts';
import { canSee, type Caller } from '../domain/agents/permissions.ts';
import type { AgentPageQuery } from '../ports/agent-registry.ts';
import { sampleAgentRecord, sampleOperation, sampleParent } from './agent-fixtures.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

const bob: Caller = { userId: 'bob', admin: false };
const idOf = (record: AgentRecord) => record.name.split('/').pop();

/** A first page large enough for every agent a test writes, as an admin sees it. */
function everyAgentIn(parent: string): AgentPageQuery {
  return { parent, audiences: undefined, order: { field: 'createTime', descending: false }, after: undefined, pageSize: 50 };
}

/**
 * Five agents of three creators with ties in displayName and createTime; bob may see a1, a3 and
 * a4 (his own PRIVATE one and the ones that are not PRIVATE).
 */
async function seed(registry: AgentRegistry, parent: string): Promise<AgentRecord[]> {
  const agent = (id: string, creator: string, state: AgentRecord['state'], displayName: string, createTime: number, updateTime: number) =>
    sampleAgentRecord(id, { parent, creator, state, createTime, updateTime, fields: { displayName, description: 'd', adkAgentDefinition: { agentConfig: 'name: a\n' } } });
  const records = [
    agent('a1', 'ada', 'ENABLED', 'Bravo', 1000, 5000),
    agent('a2', 'ada', 'PRIVATE', 'Alpha', 2000, 4000),
    agent('a3', 'bob', 'PRIVATE', 'Charlie', 2000, 3000),
    agent('a4', 'carol', 'DISABLED', 'Alpha', 3000, 2000),
    agent('a5', 'carol', 'PRIVATE', 'Delta', 4000, 1000),
  ];
  await registry.transact(async (tx) => records.forEach((record) => tx.createAgent(record)));
  return records;
}

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
      expect((await registry.listAgentsPage(everyAgentIn(parent))).agents).toEqual([{ ...first, state: 'ENABLED' }]);
      expect((await catalog.getAgent(first.name))?.state).toBe('ENABLED');
      expect(await catalog.getAgent(second.name)).toBeUndefined();
    });

    it("lists a page of the agents listed to the caller's audiences, in the order asked, ties broken by name", async () => {
      const { registry } = createRegistry();
      const parent = `projects/p1/locations/global/collections/c/engines/${uniqueId('e')}`;
      await seed(registry, parent);
      const page = await registry.listAgentsPage({ parent, audiences: audiencesOf(bob), order: { field: 'displayName', descending: false }, after: undefined, pageSize: 2 });
      expect(page.agents.map(idOf)).toEqual(['a4', 'a1']);
      expect(page.next).toEqual(['Bravo', `${parent}/agents/a1`]);
      const rest = await registry.listAgentsPage({ parent, audiences: audiencesOf(bob), order: { field: 'displayName', descending: false }, after: page.next, pageSize: 2 });
      expect(rest.agents.map(idOf)).toEqual(['a3']);
      expect(rest.next).toBeUndefined();
    });

    it.each(orderableFields.flatMap((field) => [false, true].map((descending) => ({ field, descending }))))(
      'pages through exactly the agents each caller may see in the order %j, the last page without a cursor',
      async (order) => {
        const { registry } = createRegistry();
        const parent = `projects/p1/locations/global/collections/c/engines/${uniqueId('e')}`;
        const records = await seed(registry, parent);
        for (const caller of [bob, { userId: 'root', admin: true }]) {
          const seen: AgentRecord[] = [];
          let after: AgentSortKey | undefined;
          do {
            const page = await registry.listAgentsPage({ parent, audiences: audiencesOf(caller), order, after, pageSize: 2 });
            expect(page.agents.length).toBeLessThanOrEqual(2);
            seen.push(...page.agents);
            after = page.next;
          } while (after);
          const expected = records.filter((record) => canSee(caller, record)).sort((a, b) => compareSortKeys(sortKeyOf(a, order), sortKeyOf(b, order), order));
          expect(seen.map(idOf)).toEqual(expected.map(idOf));
        }
      },
    );

    it("takes an agent out of other users' lists when it becomes PRIVATE, and puts it back when it is enabled", async () => {
      const { registry } = createRegistry();
      const parent = `projects/p1/locations/global/collections/c/engines/${uniqueId('e')}`;
      const [shared] = await seed(registry, parent);
      const listedToBob = async () => (await registry.listAgentsPage({ ...everyAgentIn(parent), audiences: audiencesOf(bob) })).agents.map(idOf);
      expect(await listedToBob()).toContain('a1');
      await registry.transact(async (tx) => tx.putAgent({ ...shared!, state: 'PRIVATE' }));
      expect(await listedToBob()).not.toContain('a1');
      await registry.transact(async (tx) => tx.putAgent({ ...shared!, state: 'ENABLED' }));
      expect(await listedToBob()).toContain('a1');
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
