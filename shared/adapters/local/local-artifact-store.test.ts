import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeArtifactStoreContract } from '../../testing/artifact-store-contract.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';

describeArtifactStoreContract('local files', async () => new LocalArtifactStore(await mkdtemp(join(tmpdir(), 'agentline-artifacts-'))));
