import { migrateFirestoreData } from '../shared/adapters/firestore/migrate-firestore-data.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';

/**
 * `agentline migrate`: brings a deployment's Firestore data up to this version (sessions under
 * their users, agents listed for paged lists, per-user agent counts), with the project and
 * credentials of the environment (GOOGLE_CLOUD_PROJECT, Application Default Credentials, or
 * FIRESTORE_EMULATOR_HOST). Idempotent; run it once while nothing creates agents. Local stacks
 * migrate their own data as they start.
 */
export async function runMigrateCommand(write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const deps = createGoogleDeps(loadConfig({ ...process.env, AGENTLINE_LOG_LEVEL: 'silent' }));
  try {
    write(`${JSON.stringify(await migrateFirestoreData(deps.firestore), null, 2)}\n`);
    return 0;
  } finally {
    await deps.close();
  }
}
