import { Storage } from '@google-cloud/storage';
import { beforeAll } from 'vitest';
import { describeArtifactStoreContract } from '../../testing/artifact-store-contract.ts';
import { useCloudStorageServer } from '../../testing/use-cloud-storage-server.ts';
import { GcsArtifactStore } from './gcs-artifact-store.ts';

// The real @google-cloud/storage client against a local server speaking the JSON API.
useCloudStorageServer();
let storage: Storage;
beforeAll(() => {
  storage = new Storage({ projectId: 'acme' });
});

describeArtifactStoreContract('Cloud Storage', () => new GcsArtifactStore(() => storage, 'acme-artifacts'));
