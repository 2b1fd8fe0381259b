import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactMetadataSchema, checkArtifactName, encodePathSegment, newArtifactMetadata, scopeFolder, type ArtifactMetadata, type ArtifactScope } from '../../domain/artifacts/artifact.ts';
import type { ArtifactStore, SaveArtifact } from '../../ports/artifact-store.ts';

/**
 * ArtifactStore on the local stack's data folder: `{root}/{user}/{sessions|runs}/{id}/{name}/`
 * (each part one path segment: `encodePathSegment`) with `{version}.bin` and `{version}.json` per
 * version. A version is claimed by creating its bytes exclusively (`wx`), so concurrent saves
 * never share one; it is visible once its metadata exists, written second.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly #root: string;
  readonly #now: () => number;

  constructor(root: string, now: () => number = Date.now) {
    this.#root = root;
    this.#now = now;
  }

  async save(scope: ArtifactScope, artifact: SaveArtifact): Promise<ArtifactMetadata> {
    const folder = this.#folder(scope, artifact.name);
    const probe = newArtifactMetadata(artifact, 0, this.#now());
    await mkdir(folder, { recursive: true });
    for (let version = await this.#nextVersion(folder); ; version++) {
      const claimed = await open(join(folder, `${version}.bin`), 'wx').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return undefined;
        throw error;
      });
      if (!claimed) continue;
      try {
        await claimed.writeFile(artifact.data);
      } finally {
        await claimed.close();
      }
      const metadata: ArtifactMetadata = { ...probe, version };
      // Written whole under a temporary name, then linked into place: a reader never sees half of it.
      const temporary = join(folder, `${version}.json.${process.pid}.${randomUUID()}`);
      await writeFile(temporary, JSON.stringify(metadata), { flag: 'wx' });
      try {
        await link(temporary, join(folder, `${version}.json`));
      } finally {
        await unlink(temporary);
      }
      return metadata;
    }
  }

  async load(scope: ArtifactScope, name: string, version?: number): Promise<{ metadata: ArtifactMetadata; data: Buffer } | undefined> {
    const folder = this.#folder(scope, name);
    const chosen = version ?? (await this.#visibleVersions(folder)).at(-1);
    if (chosen === undefined) return undefined;
    const metadata = await this.#metadata(folder, chosen);
    return metadata && { metadata, data: await readFile(join(folder, `${chosen}.bin`)) };
  }

  async metadata(scope: ArtifactScope, name: string, version: number): Promise<ArtifactMetadata | undefined> {
    return this.#metadata(this.#folder(scope, name), version);
  }

  async list(scope: ArtifactScope): Promise<ArtifactMetadata[]> {
    const base = this.#scopeBase(scope);
    const names = await readdir(base).catch(() => [] as string[]);
    const latest = await Promise.all(
      names.map(async (encoded) => {
        const folder = join(base, encoded);
        const version = (await this.#visibleVersions(folder)).at(-1);
        return version === undefined ? undefined : this.#metadata(folder, version);
      }),
    );
    return latest.filter((metadata) => metadata !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  async versions(scope: ArtifactScope, name: string): Promise<number[]> {
    return this.#visibleVersions(this.#folder(scope, name));
  }

  #folder(scope: ArtifactScope, name: string): string {
    return join(this.#scopeBase(scope), encodePathSegment(checkArtifactName(name), 'name'));
  }

  #scopeBase(scope: ArtifactScope): string {
    return join(this.#root, ...scopeFolder(scope).split('/'));
  }

  async #nextVersion(folder: string): Promise<number> {
    const claimed = (await readdir(folder).catch(() => [] as string[])).flatMap((file) => (/^\d+\.bin$/.test(file) ? [Number.parseInt(file, 10)] : []));
    return claimed.length === 0 ? 0 : Math.max(...claimed) + 1;
  }

  /** Versions whose metadata was written, oldest first. */
  async #visibleVersions(folder: string): Promise<number[]> {
    const files = await readdir(folder).catch(() => [] as string[]);
    return files.flatMap((file) => (/^\d+\.json$/.test(file) ? [Number.parseInt(file, 10)] : [])).sort((a, b) => a - b);
  }

  /** A version's metadata; undefined when it is missing or unreadable (a version is never half-visible, but a disk can be damaged). */
  async #metadata(folder: string, version: number): Promise<ArtifactMetadata | undefined> {
    const text = await readFile(join(folder, `${version}.json`), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return artifactMetadataSchema.parse(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
}
