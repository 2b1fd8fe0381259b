import type { ArtifactMetadata, ArtifactProvenance, ArtifactScope } from '../domain/artifacts/artifact.ts';

export interface SaveArtifact {
  name: string;
  data: Uint8Array;
  contentType: string;
  provenance: ArtifactProvenance;
}

/**
 * Files that runs take in and make (docs/architecture.md, "Artifacts"): versioned, scoped to a
 * user and a session or run, with their content type, size, hash and provenance. Cloud Storage
 * deployed, files of the data folder on the local stack, memory in unit tests; the same contract
 * (shared/testing/artifact-store-contract.ts).
 */
export interface ArtifactStore {
  /** Saves the next version of `name` in `scope` (never replacing one): concurrent saves get distinct versions. */
  save(scope: ArtifactScope, artifact: SaveArtifact): Promise<ArtifactMetadata>;
  /** One version (the latest when `version` is undefined); undefined when there is none. */
  load(scope: ArtifactScope, name: string, version?: number): Promise<{ metadata: ArtifactMetadata; data: Buffer } | undefined>;
  /** One version's metadata, as stored, without reading its bytes; undefined when there is none. */
  metadata(scope: ArtifactScope, name: string, version: number): Promise<ArtifactMetadata | undefined>;
  /** The latest version of every artifact in the scope, by name. */
  list(scope: ArtifactScope): Promise<ArtifactMetadata[]>;
  /** Every version of `name`, oldest first; empty when there is none. */
  versions(scope: ArtifactScope, name: string): Promise<number[]>;
}
