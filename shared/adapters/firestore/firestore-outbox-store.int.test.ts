import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeOutboxStoreContract } from '../../testing/outbox-store-contract.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';
import { FirestoreOutboxStore } from './firestore-outbox-store.ts';
import { FirestoreRunStore } from './firestore-run-store.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `outbox-store-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeOutboxStoreContract('Firestore emulator', () => ({ outbox: new FirestoreOutboxStore(firestore), store: new FirestoreRunStore(firestore, testRetention) }));
