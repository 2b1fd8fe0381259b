import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, vi } from 'vitest';
import { startSecretManagerGrpcServer, type SecretManagerGrpcServer } from './secret-manager-grpc-server.ts';

/**
 * Starts the Secret Manager gRPC server for a test file and answers the options that point the
 * real `SecretManagerServiceClient` at it (read them in `beforeAll` or later). The client asks
 * google-auth-library for its universe domain, which would probe for a metadata server:
 * detection is off meanwhile, since there is none here.
 */
export function useSecretManagerServer() {
  let server: SecretManagerGrpcServer | undefined;
  beforeAll(async () => {
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    server = await startSecretManagerGrpcServer();
  });
  afterAll(async () => {
    await server?.close();
    vi.unstubAllEnvs();
  });
  return {
    server: () => server!,
    clientOptions: () => ({ apiEndpoint: '127.0.0.1', port: server!.port, sslCreds: grpc.credentials.createInsecure(), fallback: false as const }),
  };
}
