import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, vi } from 'vitest';
import { startCloudRunGrpcServer, type CloudRunGrpcServer } from './cloud-run-grpc-server.ts';

/**
 * Starts the Cloud Run gRPC server for a test file, serving `jobs`, and answers the options that
 * point the real `JobsClient` and `ExecutionsClient` at it (read them in `beforeAll` or later).
 * The clients would look for credentials on the metadata server; metadata detection is off
 * meanwhile, since there is none here.
 */
export function useCloudRunServer(jobs: readonly string[]) {
  let server: CloudRunGrpcServer | undefined;
  beforeAll(async () => {
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    server = await startCloudRunGrpcServer({ jobs });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
  });
  return {
    server: () => server!,
    clientOptions: () => ({ apiEndpoint: '127.0.0.1', port: server!.port, sslCreds: grpc.credentials.createInsecure(), fallback: false as const, projectId: 'acme' }),
  };
}
