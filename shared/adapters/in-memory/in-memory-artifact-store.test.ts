import { describeArtifactStoreContract } from '../../testing/artifact-store-contract.ts';
import { InMemoryArtifactStore } from './in-memory-artifact-store.ts';

describeArtifactStoreContract('in memory', () => new InMemoryArtifactStore());
