import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { TransientError } from '../../domain/errors.ts';

/** gRPC codes that mean "this deployment has no such readable version": its owner must act. */
const absentCodes = new Set([5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */, 9 /* FAILED_PRECONDITION: disabled or destroyed */, 3 /* INVALID_ARGUMENT */]);

/**
 * The value of secret version `name` (`projects/P/secrets/S/versions/V`) as UTF-8; undefined when
 * it does not exist or may not be read. Throws TransientError for any other failure (the client
 * itself retries UNAVAILABLE first). The error never carries a value.
 */
export async function accessSecretVersion(client: SecretManagerServiceClient, name: string): Promise<string | undefined> {
  try {
    const [version] = await client.accessSecretVersion({ name });
    const data = version.payload?.data;
    return data === null || data === undefined ? undefined : Buffer.from(data as Uint8Array | string).toString('utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'number' || !absentCodes.has(code)) {
      throw new TransientError(`Secret Manager could not be read for ${name}: ${(error as Error).message}`, { cause: error });
    }
    return undefined;
  }
}
