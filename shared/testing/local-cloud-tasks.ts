import { afterEach, beforeEach, vi } from 'vitest';
import { createLocalCloudTasksClient } from '../adapters/cloud-tasks/local-cloud-tasks-client.ts';
import { startCloudTasksGrpcServer, type CloudTasksGrpcServer } from './cloud-tasks-grpc-server.ts';

export interface LocalCloudTasks {
  server: CloudTasksGrpcServer;
  /** The real CloudTasksClient, talking plain gRPC to `server`. */
  client: ReturnType<typeof createLocalCloudTasksClient>;
}

/**
 * Registers hooks that give each test of the file a fresh Cloud Tasks gRPC fake and the real
 * client pointed at it, and close both after the test. The fields are set once the hook has run:
 * read them in tests and in hooks registered after this call.
 */
export function useLocalCloudTasks(): LocalCloudTasks {
  const current = {} as LocalCloudTasks;
  beforeEach(async () => {
    // The client still asks google-auth-library for the universe domain; skip its metadata-server probe.
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    current.server = await startCloudTasksGrpcServer();
    current.client = createLocalCloudTasksClient(current.server.port);
  });
  afterEach(async () => {
    await current.client.close();
    await current.server.close();
    vi.unstubAllEnvs();
  });
  return current;
}
