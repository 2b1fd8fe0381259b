import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeRunStoreContract } from '../../testing/run-store-contract.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';
import { FirestoreRunStore } from './firestore-run-store.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `run-store-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeRunStoreContract(
  'Firestore emulator',
  (retention) => new FirestoreRunStore(firestore, retention ?? testRetention),
  () => ({
    store: new FirestoreRunStore(firestore, testRetention),
    // The registry's layout: agents/{encoded name} with the catalog fields at the top level.
    putAgent: async (agent) => void (await firestore.doc(documentPaths.agent(encodeAgentName(agent.name))).set(agent)),
  }),
);
