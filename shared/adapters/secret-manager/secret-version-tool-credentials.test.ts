import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { grpc } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.ts';
import { useSecretManagerServer } from '../../testing/use-secret-manager-server.ts';
import { accessSecretVersion } from './access-secret-version.ts';
import { SecretVersionToolCredentials } from './secret-version-tool-credentials.ts';

// The real SecretManagerServiceClient over gRPC to a local server built from its own protos.
const secretManager = useSecretManagerServer();
let client: SecretManagerServiceClient;
beforeAll(() => void (client = new SecretManagerServiceClient(secretManager.clientOptions())));
afterAll(() => client.close());

const credentials = (cacheMs = 0, now = Date.now) =>
  new SecretVersionToolCredentials((name) => accessSecretVersion(client, name), { project: 'acme', secretIdPrefix: 'agentline-tool-', cacheMs, now });

describe('tool credentials from Secret Manager', () => {
  it("reads the latest version of the authorization's prefixed secret", async () => {
    secretManager.server().addVersion('projects/acme/secrets/agentline-tool-petstore', 'old-key');
    secretManager.server().addVersion('projects/acme/secrets/agentline-tool-petstore', 'new-key');
    expect(await credentials().read('projects/acme/locations/global/authorizations/petstore')).toBe('new-key');
    expect(secretManager.server().accessed.at(-1)).toBe('projects/acme/secrets/agentline-tool-petstore/versions/latest');
  });

  it('answers a missing or forbidden secret, or a name without a usable id, as absent, and a server error as transient', async () => {
    secretManager.server().forbidden.add('projects/acme/secrets/agentline-tool-denied');
    expect(await credentials().read('projects/acme/locations/global/authorizations/nothing')).toBeUndefined();
    expect(await credentials().read('projects/acme/locations/global/authorizations/denied')).toBeUndefined();
    const before = secretManager.server().accessed.length;
    expect(await credentials().read('projects/acme/locations/global/authorizations/pet.store')).toBeUndefined();
    expect(secretManager.server().accessed.length).toBe(before);
    secretManager.server().failNextCall(grpc.status.INTERNAL);
    const failure = credentials().read('projects/acme/locations/global/authorizations/petstore');
    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.not.toThrow('new-key');
  });

  it('reuses a value for the cache period, then reads it again', async () => {
    let now = 1_000;
    const cached = credentials(60_000, () => now);
    const name = 'projects/acme/locations/global/authorizations/petstore';
    await cached.read(name);
    const reads = secretManager.server().accessed.length;
    await cached.read(name);
    expect(secretManager.server().accessed.length).toBe(reads);
    now += 60_001;
    await cached.read(name);
    expect(secretManager.server().accessed.length).toBe(reads + 1);
  });
});
