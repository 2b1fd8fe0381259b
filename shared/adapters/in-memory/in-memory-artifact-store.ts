import { checkArtifactName, newArtifactMetadata, scopeFolder, type ArtifactMetadata, type ArtifactScope } from '../../domain/artifacts/artifact.ts';
import type { ArtifactStore, SaveArtifact } from '../../ports/artifact-store.ts';

/** ArtifactStore in memory (unit tests, the in-memory world): the same contract as Cloud Storage's. */
export class InMemoryArtifactStore implements ArtifactStore {
  readonly #artifacts = new Map<string, { metadata: ArtifactMetadata; data: Buffer }[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async save(scope: ArtifactScope, artifact: SaveArtifact): Promise<ArtifactMetadata> {
    const key = `${scopeFolder(scope)}/${checkArtifactName(artifact.name)}`;
    const versions = this.#artifacts.get(key) ?? [];
    const metadata = newArtifactMetadata(artifact, versions.length, this.#now());
    this.#artifacts.set(key, [...versions, { metadata, data: Buffer.from(artifact.data) }]);
    return { ...metadata };
  }

  async load(scope: ArtifactScope, name: string, version?: number): Promise<{ metadata: ArtifactMetadata; data: Buffer } | undefined> {
    const versions = this.#artifacts.get(`${scopeFolder(scope)}/${checkArtifactName(name)}`) ?? [];
    const found = version === undefined ? versions.at(-1) : versions[version];
    return found && { metadata: { ...found.metadata }, data: Buffer.from(found.data) };
  }

  async metadata(scope: ArtifactScope, name: string, version: number): Promise<ArtifactMetadata | undefined> {
    const found = this.#artifacts.get(`${scopeFolder(scope)}/${checkArtifactName(name)}`)?.[version];
    return found && { ...found.metadata };
  }

  async list(scope: ArtifactScope): Promise<ArtifactMetadata[]> {
    const prefix = `${scopeFolder(scope)}/`;
    return [...this.#artifacts.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, versions]) => ({ ...versions.at(-1)!.metadata }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async versions(scope: ArtifactScope, name: string): Promise<number[]> {
    return (this.#artifacts.get(`${scopeFolder(scope)}/${checkArtifactName(name)}`) ?? []).map((entry) => entry.metadata.version);
  }
}
