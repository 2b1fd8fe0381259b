import { describeBatchStoreContract } from '../../testing/batch-store-contract.ts';
import { InMemoryBatchStore } from './in-memory-batch-store.ts';
import { InMemoryDocuments } from './in-memory-documents.ts';

describeBatchStoreContract('in-memory', () => new InMemoryBatchStore(new InMemoryDocuments()));
