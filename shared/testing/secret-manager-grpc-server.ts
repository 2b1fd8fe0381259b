import * as grpc from '@grpc/grpc-js';
import { loadGrpcService } from './load-grpc-service.ts';

export interface SecretManagerGrpcServer {
  port: number;
  /** Adds a version of a secret (`projects/P/secrets/S`); returns its full version name. */
  addVersion(secret: string, value: string): string;
  /** Secrets whose access is PERMISSION_DENIED (the caller's account was not granted them). */
  forbidden: Set<string>;
  /** The version names asked for, in order. */
  accessed: string[];
  /** Makes the next call fail with this gRPC status. */
  failNextCall(code: grpc.status): void;
  close(): Promise<void>;
}

const versionName = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/]+)$/;

/**
 * An in-process gRPC server for `google.cloud.secretmanager.v1.SecretManagerService`
 * (AccessSecretVersion only), built from the .proto files shipped in @google-cloud/secret-manager,
 * so the real SecretManagerServiceClient can be pointed at it: `latest` is the newest version, an
 * unknown secret or version is NOT_FOUND, a forbidden one PERMISSION_DENIED, a malformed name
 * INVALID_ARGUMENT. Other methods answer UNIMPLEMENTED.
 */
export async function startSecretManagerGrpcServer(): Promise<SecretManagerGrpcServer> {
  const versions = new Map<string, string[]>();
  const forbidden = new Set<string>();
  const accessed: string[] = [];
  const failures: grpc.status[] = [];

  const access: grpc.handleUnaryCall<{ name?: string }, unknown> = (call, callback) => {
    const name = call.request.name ?? '';
    accessed.push(name);
    const failure = failures.shift();
    if (failure !== undefined) return callback({ code: failure, details: `secret-manager-grpc-server: injected ${grpc.status[failure]}` });
    const match = versionName.exec(name);
    if (!match) return callback({ code: grpc.status.INVALID_ARGUMENT, details: `${name} is not a secret version name` });
    const [, secret = '', version = ''] = match;
    if (forbidden.has(secret)) return callback({ code: grpc.status.PERMISSION_DENIED, details: `Permission 'secretmanager.versions.access' denied for resource '${name}'` });
    const values = versions.get(secret) ?? [];
    const index = version === 'latest' ? values.length : Number(version);
    const value = Number.isInteger(index) && index >= 1 ? values[index - 1] : undefined;
    if (value === undefined) return callback({ code: grpc.status.NOT_FOUND, details: `Secret Version [${name}] not found.` });
    callback(null, { name: `${secret}/versions/${index}`, payload: { data: Buffer.from(value) } });
  };

  const server = new grpc.Server();
  server.addService(loadGrpcService('@google-cloud/secret-manager', 'google/cloud/secretmanager/v1/service.proto', ['google', 'cloud', 'secretmanager', 'v1', 'SecretManagerService']), { AccessSecretVersion: access });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    addVersion(secret, value) {
      const values = [...(versions.get(secret) ?? []), value];
      versions.set(secret, values);
      return `${secret}/versions/${values.length}`;
    },
    forbidden,
    accessed,
    failNextCall: (code) => void failures.push(code),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
