import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeRunStoreContract } from '../../testing/run-store-contract.ts';
import { FirestoreRunStore } from './firestore-run-store.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `run-store-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeRunStoreContract('Firestore emulator', () => new FirestoreRunStore(firestore));
