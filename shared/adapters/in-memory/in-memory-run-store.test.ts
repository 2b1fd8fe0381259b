import { describeRunStoreContract } from '../../testing/run-store-contract.ts';
import { InMemoryAgentCatalog } from './in-memory-agent-catalog.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { InMemoryRunStore } from './in-memory-run-store.ts';

describeRunStoreContract(
  'in-memory',
  (retention) => new InMemoryRunStore(new InMemoryDocuments(), retention),
  () => {
    const documents = new InMemoryDocuments();
    const catalog = new InMemoryAgentCatalog(documents);
    return { store: new InMemoryRunStore(documents), putAgent: async (agent) => catalog.put(agent) };
  },
);
