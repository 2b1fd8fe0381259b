import { CloudTasksClient } from '@google-cloud/tasks';
import { grpc } from 'google-gax';

/**
 * The real CloudTasksClient talking plain gRPC to a server on this machine (the in-process fake
 * in shared/testing), without TLS or credentials (`sslCreds: grpc.credentials.createInsecure()`). The caller should
 * also set METADATA_SERVER_DETECTION=none: the client still asks google-auth-library for its
 * universe domain, which otherwise probes for a GCE metadata server.
 */
export function createLocalCloudTasksClient(port: number): CloudTasksClient {
  return new CloudTasksClient({ apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure(), fallback: false });
}
