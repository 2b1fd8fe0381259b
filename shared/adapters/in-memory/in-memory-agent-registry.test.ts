import { beforeEach, describe, expect, it } from 'vitest';
import { describeAgentRegistryContract } from '../../testing/agent-registry-contract.ts';
import { describeScheduleRegistryContract } from '../../testing/schedule-registry-contract.ts';
import { describeTriggerRegistryContract } from '../../testing/trigger-registry-contract.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { InMemoryAgentCatalog } from './in-memory-agent-catalog.ts';
import { InMemoryAgentRegistry } from './in-memory-agent-registry.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { InMemoryRunStore } from './in-memory-run-store.ts';

describeAgentRegistryContract('in-memory', () => {
  const documents = new InMemoryDocuments();
  return { registry: new InMemoryAgentRegistry(documents), catalog: new InMemoryAgentCatalog(documents) };
});

describe('InMemoryAgentRegistry on the documents of an InMemoryRunStore', () => {
  const record = sampleAgentRecord('shared', { state: 'PRIVATE', creator: 'ada' });
  let registry: InMemoryAgentRegistry;
  let runStore: InMemoryRunStore;

  beforeEach(() => {
    const documents = new InMemoryDocuments();
    registry = new InMemoryAgentRegistry(documents);
    runStore = new InMemoryRunStore(documents);
  });

  const readLifecycle = () => runStore.transact(async (tx) => tx.getAgentLifecycle(record.name));

  it("makes an agent it creates readable in the run store's transactions", async () => {
    expect(await readLifecycle()).toBeUndefined();
    await registry.transact(async (tx) => tx.createAgent(record));
    expect(await readLifecycle()).toEqual({ state: 'PRIVATE', creator: 'ada' });
  });

  it('changes what the run store reads when it changes or deletes the agent', async () => {
    await registry.transact(async (tx) => tx.createAgent(record));
    await registry.transact(async (tx) => tx.putAgent({ ...record, state: 'ENABLED' }));
    expect(await readLifecycle()).toEqual({ state: 'ENABLED', creator: 'ada' });
    await registry.transact(async (tx) => tx.deleteAgent(record));
    expect(await readLifecycle()).toBeUndefined();
  });

  it('makes a run store transaction that read the lifecycle re-run when it changes the agent before that commit', async () => {
    await registry.transact(async (tx) => tx.createAgent(record));
    const statesRead: (string | undefined)[] = [];
    await runStore.transact(async (tx) => {
      const lifecycle = await tx.getAgentLifecycle(record.name);
      statesRead.push(lifecycle?.state);
      // Only the first attempt races a lifecycle change; the re-run must see its result.
      if (statesRead.length === 1) await registry.transact(async (registryTx) => registryTx.putAgent({ ...record, state: 'SUSPENDED' }));
    });
    expect(statesRead).toEqual(['PRIVATE', 'SUSPENDED']);
  });
});

describeTriggerRegistryContract('in-memory', () => new InMemoryAgentRegistry(new InMemoryDocuments()));
describeScheduleRegistryContract('in-memory', () => new InMemoryAgentRegistry(new InMemoryDocuments()));
