import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeBatchStoreContract } from '../../testing/batch-store-contract.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';
import { FirestoreBatchStore } from './firestore-batch-store.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `batch-store-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeBatchStoreContract('Firestore emulator', () => new FirestoreBatchStore(firestore, testRetention));
