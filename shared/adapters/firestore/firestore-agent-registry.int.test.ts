import { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { describeAgentRegistryContract } from '../../testing/agent-registry-contract.ts';
import { describeScheduleRegistryContract } from '../../testing/schedule-registry-contract.ts';
import { describeTriggerRegistryContract } from '../../testing/trigger-registry-contract.ts';
import { FirestoreAgentCatalog } from './firestore-agent-catalog.ts';
import { FirestoreAgentRegistry } from './firestore-agent-registry.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `agent-registry-contract-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

describeAgentRegistryContract('Firestore emulator', () => ({ registry: new FirestoreAgentRegistry(firestore, testRetention), catalog: new FirestoreAgentCatalog(firestore) }));
describeTriggerRegistryContract('Firestore emulator', () => new FirestoreAgentRegistry(firestore, testRetention));
describeScheduleRegistryContract('Firestore emulator', () => new FirestoreAgentRegistry(firestore, testRetention));
