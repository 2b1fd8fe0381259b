import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { grpc } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.ts';
import { useSecretManagerServer } from '../../testing/use-secret-manager-server.ts';
import { SecretManagerWebhookSecrets } from './secret-manager-webhook-secrets.ts';

// The real SecretManagerServiceClient over gRPC to a local server built from its own protos.
const secretManager = useSecretManagerServer();
let client: SecretManagerServiceClient;
beforeAll(() => void (client = new SecretManagerServiceClient(secretManager.clientOptions())));
afterAll(() => client.close());

const hook = 'projects/acme/secrets/agentline-webhook-github';
const secrets = (cacheMs = 0, now = Date.now) => new SecretManagerWebhookSecrets(client, { project: 'acme', secretIdPrefix: 'agentline-webhook-', cacheMs, now });

describe('webhook secrets from Secret Manager', () => {
  it('reads each named version, latest included, in order', async () => {
    const first = secretManager.server().addVersion(hook, 'old-secret');
    const second = secretManager.server().addVersion(hook, 'new-secret');
    expect(await secrets().resolve([first, second, `${hook}/versions/latest`])).toEqual(['old-secret', 'new-secret', 'new-secret']);
  });

  it("never reads a secret outside this project or without the webhook prefix, such as the API's own key", async () => {
    const own = secretManager.server().addVersion('projects/acme/secrets/agentline-page-token-key', 'the-api-key');
    const foreign = secretManager.server().addVersion('projects/other/secrets/agentline-webhook-github', 'theirs');
    const before = secretManager.server().accessed.length;
    expect(await secrets().resolve([own, foreign])).toEqual([undefined, undefined]);
    expect(secretManager.server().accessed.length).toBe(before);
  });

  it('answers a missing or forbidden version as absent, so the owner is told, and a server error as transient', async () => {
    const denied = 'projects/acme/secrets/agentline-webhook-denied';
    secretManager.server().forbidden.add(denied);
    expect(await secrets().resolve([`${hook}/versions/99`, `${denied}/versions/1`])).toEqual([undefined, undefined]);
    secretManager.server().failNextCall(grpc.status.INTERNAL);
    await expect(secrets().resolve([`${hook}/versions/1`])).rejects.toBeInstanceOf(TransientError);
  });

  it('leaves a passing UNAVAILABLE to the client, which retries it', async () => {
    secretManager.server().failNextCall(grpc.status.UNAVAILABLE);
    expect(await secrets().resolve([`${hook}/versions/1`])).toEqual(['old-secret']);
  });

  it('reuses a value for the cache period, then reads it again', async () => {
    let now = 1_000;
    const cached = secrets(60_000, () => now);
    const name = `${hook}/versions/1`;
    await cached.resolve([name]);
    const reads = secretManager.server().accessed.filter((accessed) => accessed === name).length;
    await cached.resolve([name]);
    expect(secretManager.server().accessed.filter((accessed) => accessed === name).length).toBe(reads);
    now += 60_001;
    await cached.resolve([name]);
    expect(secretManager.server().accessed.filter((accessed) => accessed === name).length).toBe(reads + 1);
  });
});
