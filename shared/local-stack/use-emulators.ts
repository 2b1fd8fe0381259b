/**
 * Points this process's Google clients at local emulators. The client libraries read these
 * variables themselves (as they document), so setting them is how a local stack is chosen;
 * METADATA_SERVER_DETECTION=none stops them probing for a GCE metadata server that is not there.
 */
export function useEmulators(hosts: { pubsubHost: string; firestoreHost: string }): void {
  process.env['PUBSUB_EMULATOR_HOST'] = hosts.pubsubHost;
  process.env['FIRESTORE_EMULATOR_HOST'] = hosts.firestoreHost;
  process.env['METADATA_SERVER_DETECTION'] = 'none';
}
