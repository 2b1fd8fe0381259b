import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * The folder of an installed package (where its .proto files are). Packages may hide package.json
 * behind `exports`, so this walks up from the resolved entry point.
 */
export function packageRoot(name: string): string {
  let directory = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the ${name} package`);
    directory = parent;
  }
}

/**
 * A gRPC service definition loaded from the .proto files an installed client library ships
 * (`protoFile` under its build/protos; google-gax's protos for the common types), decoded as
 * proto-loader does for the fakes: camelCase, enums as names, longs as numbers.
 */
export function loadGrpcService(packageName: string, protoFile: string, servicePath: readonly string[]): grpc.ServiceDefinition {
  const protos = join(packageRoot(packageName), 'build', 'protos');
  const definition = protoLoader.loadSync(join(protos, protoFile), {
    includeDirs: [protos, join(packageRoot('google-gax'), 'build', 'protos')],
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  let loaded: unknown = grpc.loadPackageDefinition(definition);
  for (const segment of servicePath) loaded = (loaded as Record<string, unknown>)[segment];
  return (loaded as grpc.ServiceClientConstructor).service;
}

/** A gRPC server on a free local port with these services, and how to stop it. */
export async function serveGrpc(services: readonly [grpc.ServiceDefinition, grpc.UntypedServiceImplementation][]): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new grpc.Server();
  for (const [definition, handlers] of services) server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
