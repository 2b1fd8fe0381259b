import { describeRunStoreContract } from '../../testing/run-store-contract.ts';
import { InMemoryRunStore } from './in-memory-run-store.ts';

describeRunStoreContract('in-memory', () => new InMemoryRunStore());
