import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeModelQuotaContract } from '../../testing/model-quota-contract.ts';
import { FirestoreModelQuota } from './firestore-model-quota.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `model-quota-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeModelQuotaContract('Firestore emulator', (quotas) => new FirestoreModelQuota(firestore, quotas));
