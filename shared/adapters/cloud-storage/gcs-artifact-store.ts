import { createHash } from 'node:crypto';
import type { File, Storage } from '@google-cloud/storage';
import { artifactMetadataSchema, artifactProvenanceSchema, checkArtifactName, encodePathSegment, newArtifactMetadata, scopeFolder, type ArtifactMetadata, type ArtifactScope } from '../../domain/artifacts/artifact.ts';
import { TransientError } from '../../domain/errors.ts';
import type { ArtifactStore, SaveArtifact } from '../../ports/artifact-store.ts';

/**
 * ArtifactStore on Cloud Storage: one object per version,
 * `{prefix}{user}/{sessions|runs}/{id}/{name}/{version}` (user, id and name URL-encoded, so none
 * holds a slash), its content type the artifact's and the rest of its metadata in the object's
 * custom metadata. A version is created with `ifGenerationMatch: 0` (create only), so concurrent
 * saves never replace each other: the loser of a race takes the next version. A listing carries
 * every object's metadata, so `list` is one request per page.
 */
export class GcsArtifactStore implements ArtifactStore {
  readonly #storage: () => Storage;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #now: () => number;

  /** `storage` may be a getter, so a deployment that keeps no artifact builds no client. */
  constructor(storage: Storage | (() => Storage), bucket: string, options: { prefix?: string; now?: () => number } = {}) {
    this.#storage = typeof storage === 'function' ? storage : () => storage;
    this.#bucket = bucket;
    this.#prefix = options.prefix ?? 'artifacts/';
    this.#now = options.now ?? Date.now;
  }

  async save(scope: ArtifactScope, artifact: SaveArtifact): Promise<ArtifactMetadata> {
    const probe = newArtifactMetadata(artifact, 0, this.#now());
    const folder = this.#folder(scope, artifact.name);
    for (let version = await this.#nextVersion(folder), attempts = 0; ; version++, attempts++) {
      const metadata: ArtifactMetadata = { ...probe, version };
      try {
        await this.#bucketOf()
          .file(`${folder}${version}`)
          .save(Buffer.from(artifact.data), {
            resumable: false,
            contentType: metadata.contentType,
            metadata: { metadata: customMetadataOf(metadata) },
            preconditionOpts: { ifGenerationMatch: 0 },
          });
        return metadata;
      } catch (error) {
        // 412: another save took this version first.
        if ((error as { code?: unknown }).code === 412 && attempts < 20) continue;
        throw storageError(error, `saving artifact ${artifact.name}`);
      }
    }
  }

  async load(scope: ArtifactScope, name: string, version?: number): Promise<{ metadata: ArtifactMetadata; data: Buffer } | undefined> {
    const folder = this.#folder(scope, name);
    const chosen = version ?? (await this.#versionFiles(folder)).at(-1)?.version;
    if (chosen === undefined) return undefined;
    const file = this.#bucketOf().file(`${folder}${chosen}`);
    try {
      const [objectMetadata] = await file.getMetadata();
      const generation = Number(objectMetadata.generation);
      const metadata = metadataOf(objectMetadata, chosen);
      if (metadata.name !== name) throw new Error(`Artifact object ${folder}${chosen} says it is ${JSON.stringify(metadata.name)}, not ${JSON.stringify(name)}`);
      // The client checks the download against the object's CRC32C; the SHA-256 recorded at save is checked too.
      const [data] = await this.#bucketOf().file(`${folder}${chosen}`, { generation }).download();
      if (createHash('sha256').update(data).digest('hex') !== metadata.sha256) throw new Error(`Artifact ${name} version ${chosen}: its bytes do not match the SHA-256 recorded when it was saved`);
      return { metadata, data };
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw storageError(error, `loading artifact ${name}`);
    }
  }

  async metadata(scope: ArtifactScope, name: string, version: number): Promise<ArtifactMetadata | undefined> {
    const object = `${this.#folder(scope, name)}${version}`;
    try {
      const [objectMetadata] = await this.#bucketOf().file(object).getMetadata();
      const metadata = metadataOf(objectMetadata, version);
      if (metadata.name !== name) throw new Error(`Artifact object ${object} says it is ${JSON.stringify(metadata.name)}, not ${JSON.stringify(name)}`);
      return metadata;
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw storageError(error, `reading the metadata of artifact ${name}`);
    }
  }

  async list(scope: ArtifactScope): Promise<ArtifactMetadata[]> {
    const files = await this.#listFiles(`${this.#prefix}${scopeFolder(scope)}/`);
    const latest = new Map<string, { file: File; version: number }>();
    for (const file of files) {
      const match = /\/([^/]+)\/(\d+)$/.exec(file.name);
      if (!match) continue;
      const version = Number(match[2]);
      const current = latest.get(match[1]!);
      if (!current || current.version < version) latest.set(match[1]!, { file, version });
    }
    return [...latest.values()].map(({ file, version }) => metadataOf(file.metadata, version)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async versions(scope: ArtifactScope, name: string): Promise<number[]> {
    return (await this.#versionFiles(this.#folder(scope, name))).map((entry) => entry.version);
  }

  #bucketOf() {
    return this.#storage().bucket(this.#bucket);
  }

  #folder(scope: ArtifactScope, name: string): string {
    return `${this.#prefix}${scopeFolder(scope)}/${encodePathSegment(checkArtifactName(name), 'name')}/`;
  }

  async #versionFiles(folder: string): Promise<{ version: number; file: File }[]> {
    const files = await this.#listFiles(folder);
    return files
      .flatMap((file) => {
        const rest = file.name.slice(folder.length);
        return /^\d+$/.test(rest) ? [{ version: Number(rest), file }] : [];
      })
      .sort((a, b) => a.version - b.version);
  }

  async #nextVersion(folder: string): Promise<number> {
    return ((await this.#versionFiles(folder)).at(-1)?.version ?? -1) + 1;
  }

  async #listFiles(prefix: string): Promise<File[]> {
    try {
      const [files] = await this.#bucketOf().getFiles({ prefix, autoPaginate: true });
      return files;
    } catch (error) {
      throw storageError(error, `listing ${prefix}`);
    }
  }
}

/** Custom metadata values are strings. */
function customMetadataOf(metadata: ArtifactMetadata): Record<string, string> {
  return { name: metadata.name, sha256: metadata.sha256, provenance: JSON.stringify(metadata.provenance), createTime: String(metadata.createTime) };
}

/** An object's metadata as an artifact version's, validated (it is read back from storage). */
function metadataOf(object: { contentType?: string; size?: string | number; metadata?: Record<string, unknown> | undefined }, version: number): ArtifactMetadata {
  const custom = (object.metadata ?? {}) as Record<string, string | undefined>;
  return artifactMetadataSchema.parse({
    name: custom['name'],
    version,
    contentType: object.contentType,
    bytes: Number(object.size),
    sha256: custom['sha256'],
    provenance: artifactProvenanceSchema.parse(JSON.parse(custom['provenance'] ?? '{}')),
    createTime: Number(custom['createTime']),
  });
}

function storageError(error: unknown, doing: string): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && (code === 429 || code >= 500)) return new TransientError(`Cloud Storage failed ${doing}: ${(error as Error).message}`, { code: 'STORAGE_UNAVAILABLE', cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
