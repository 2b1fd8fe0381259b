import { describeArtifactStoreContract } from '../../testing/artifact-store-contract.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';
import { tempFolder } from '../../testing/temp-folder.ts';

describeArtifactStoreContract('local files', async () => new LocalArtifactStore(await tempFolder('agentline-artifacts')));
