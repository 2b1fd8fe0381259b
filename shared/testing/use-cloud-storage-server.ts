import { afterAll, beforeAll } from 'vitest';
import { startCloudStorageServer, type CloudStorageServer } from './cloud-storage-server.ts';

/**
 * Starts a local Cloud Storage JSON API server for a test file and points the real
 * `@google-cloud/storage` client at it through STORAGE_EMULATOR_HOST, as the client documents
 * (restored afterwards). Create the client in `beforeAll`, after this call.
 */
export function useCloudStorageServer(): { server: () => CloudStorageServer } {
  let server: CloudStorageServer | undefined;
  const previousHost = process.env['STORAGE_EMULATOR_HOST'];
  beforeAll(async () => {
    server = await startCloudStorageServer();
    process.env['STORAGE_EMULATOR_HOST'] = server.url;
  });
  afterAll(async () => {
    await server?.close();
    if (previousHost === undefined) delete process.env['STORAGE_EMULATOR_HOST'];
    else process.env['STORAGE_EMULATOR_HOST'] = previousHost;
  });
  return { server: () => server! };
}
