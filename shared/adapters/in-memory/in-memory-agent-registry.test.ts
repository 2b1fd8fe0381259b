import { describe, expect, it } from 'vitest';
import { describeAgentRegistryContract } from '../../testing/agent-registry-contract.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { InMemoryAgentCatalog } from './in-memory-agent-catalog.ts';
import { InMemoryAgentRegistry } from './in-memory-agent-registry.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { InMemoryRunStore } from './in-memory-run-store.ts';

describeAgentRegistryContract('in-memory', () => {
  const documents = new InMemoryDocuments();
  return { registry: new InMemoryAgentRegistry(documents), catalog: new InMemoryAgentCatalog(documents) };
});

describe('InMemoryAgentRegistry', () => {
  it('shares its documents with a run store built on the same InMemoryDocuments', async () => {
    const documents = new InMemoryDocuments();
    const registry = new InMemoryAgentRegistry(documents);
    new InMemoryRunStore(documents);
    const record = sampleAgentRecord('shared');
    await registry.transact(async (tx) => tx.createAgent(record));
    expect(documents.get(`agents/${encodeURIComponent(record.name)}`)).toMatchObject({ name: record.name, state: 'CONFIGURED', creator: 'ada' });
  });
});
