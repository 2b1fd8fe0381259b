import { useEmulators } from '../local-stack/use-emulators.ts';
import type { TestProject } from 'vitest/node';
import { startEmulators } from '../local-stack/emulators.ts';
import { registerCleanup } from '../local-stack/register-cleanup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:<port>` of the Pub/Sub emulator shared by every integration test file. */
    pubsubHost: string;
    /** `127.0.0.1:<port>` of the Firestore emulator shared by every integration test file. */
    firestoreHost: string;
  }
}

/**
 * Global setup of the `integration` project: starts one Pub/Sub and one Firestore emulator for the
 * whole run and stops them afterwards (or on Ctrl-C / a crash, through registerCleanup). Test files
 * share them and isolate by using a distinct project id each; both emulators keep projects apart.
 * The hosts are both provided (`inject('pubsubHost')`) and put in the environment, which the
 * workers inherit because they are created after this runs, so clients built with no options
 * find the emulators the way they would in any local setup.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const emulators = await startEmulators();
  const unregister = registerCleanup(emulators.stop);
  console.info(`emulators ready in ${Math.round(performance.now() - started)} ms (Pub/Sub ${emulators.pubsubHost}, Firestore ${emulators.firestoreHost})`);

  project.provide('pubsubHost', emulators.pubsubHost);
  project.provide('firestoreHost', emulators.firestoreHost);
  // Test files run in workers that inherit this environment.
  useEmulators(emulators);

  return async () => {
    await emulators.stop();
    unregister();
  };
}
