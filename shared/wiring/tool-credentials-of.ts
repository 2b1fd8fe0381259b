import type { Firestore } from '@google-cloud/firestore';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { FirestoreLocalWebhookSecrets } from '../adapters/firestore/firestore-local-webhook-secrets.ts';
import { accessSecretVersion } from '../adapters/secret-manager/access-secret-version.ts';
import { SecretVersionToolCredentials } from '../adapters/secret-manager/secret-version-tool-credentials.ts';
import type { ToolCredentials } from '../ports/tool-credentials.ts';
import type { Config } from './load-config.ts';

/**
 * Where OpenAPI toolsets' secrets come from (docs/architecture.md, "OpenAPI toolsets"): deployed,
 * Secret Manager, this project's secrets named with AGENTLINE_TOOL_SECRET_PREFIX (the only ones
 * Terraform lets the tool step read); locally, the same version names in the local stack's
 * stand-in for Secret Manager (`putLocalWebhookSecret`). The client is built on first read, so
 * functions that never call a tool never open it.
 */
export function toolCredentialsOf(config: Config, firestore: Firestore): ToolCredentials {
  const options = { project: config.GOOGLE_CLOUD_PROJECT, secretIdPrefix: config.AGENTLINE_TOOL_SECRET_PREFIX };
  if (config.AGENTLINE_AUTH === 'local') {
    const local = new FirestoreLocalWebhookSecrets(firestore);
    return new SecretVersionToolCredentials(async (name) => (await local.resolve([name]))[0], options);
  }
  let client: SecretManagerServiceClient | undefined;
  return new SecretVersionToolCredentials((name) => accessSecretVersion((client ??= new SecretManagerServiceClient()), name), options);
}
