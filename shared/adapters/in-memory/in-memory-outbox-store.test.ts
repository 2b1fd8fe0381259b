import { describeOutboxStoreContract } from '../../testing/outbox-store-contract.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';
import { InMemoryOutboxStore } from './in-memory-outbox-store.ts';
import { InMemoryRunStore } from './in-memory-run-store.ts';

describeOutboxStoreContract('in-memory', () => {
  const documents = new InMemoryDocuments();
  return { outbox: new InMemoryOutboxStore(documents), store: new InMemoryRunStore(documents) };
});
