import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';

/**
 * Where an artifact belongs (docs/architecture.md, "Artifacts"): always to one user, and within
 * that user to one session (shared by its runs) or, for a run without a session, to the run.
 */
export interface ArtifactScope {
  userId: string;
  sessionId?: string;
  runId?: string;
}

/** What made an artifact: the run, step and tool, when one did (an input file has only its run). */
export const artifactProvenanceSchema = z.strictObject({
  runId: z.string().max(128).optional(),
  stepId: z.string().max(256).optional(),
  tool: z.string().max(256).optional(),
});
export type ArtifactProvenance = z.infer<typeof artifactProvenanceSchema>;

/** One version of an artifact, as stored beside its bytes. */
export const artifactMetadataSchema = z.strictObject({
  name: z.string(),
  /** 0 for the first version, then 1, 2, … (as ADK numbers artifact versions). */
  version: z.number().int().nonnegative(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  provenance: artifactProvenanceSchema,
  createTime: z.number(),
});
export type ArtifactMetadata = z.infer<typeof artifactMetadataSchema>;

export const maxArtifactNameLength = 512;
const contentTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;\s*[a-z0-9-]+=[A-Za-z0-9._-]+)*$/i;

/**
 * Checks an artifact's name: a relative path of ordinary segments (what code writes in its
 * workspace: `charts/sales.png`), so it can never name a place outside its scope in a file tree
 * or a bucket. Throws InvalidInputError naming the problem.
 */
export function checkArtifactName(name: string): string {
  const problem =
    name.length === 0 || name.length > maxArtifactNameLength
      ? `must be 1 to ${maxArtifactNameLength} characters`
      : name.startsWith('/') || name.endsWith('/')
        ? 'must not start or end with /'
        : name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
          ? 'must not have empty, . or .. segments'
          : /[\u0000-\u001f\u007f\\]/.test(name)
            ? 'must not contain control characters or backslashes'
            : undefined;
  if (problem) throw new InvalidInputError(`Artifact name ${JSON.stringify(name.slice(0, 100))} ${problem}`, { code: 'INVALID_ARTIFACT_NAME' });
  return name;
}

export function checkContentType(contentType: string): string {
  if (contentType.length > 255 || !contentTypePattern.test(contentType)) throw new InvalidInputError(`Content type ${JSON.stringify(contentType.slice(0, 100))} is not a media type`, { code: 'INVALID_ARTIFACT' });
  return contentType;
}

/** The scope's folder: `{user}/sessions/{session}` or `{user}/runs/{run}`, each part encoded so none can contain a slash. */
export function scopeFolder(scope: ArtifactScope): string {
  const owner = scope.sessionId !== undefined ? `sessions/${encodeURIComponent(scope.sessionId)}` : scope.runId !== undefined ? `runs/${encodeURIComponent(scope.runId)}` : undefined;
  if (scope.userId === '' || owner === undefined) throw new InvalidInputError('An artifact belongs to a user and to a session or a run', { code: 'INVALID_ARTIFACT' });
  return `${encodeURIComponent(scope.userId)}/${owner}`;
}

/** The metadata of a new version, checked: name, content type, provenance. */
export function newArtifactMetadata(artifact: { name: string; data: Uint8Array; contentType: string; provenance: ArtifactProvenance }, version: number, now: number): ArtifactMetadata {
  return {
    name: checkArtifactName(artifact.name),
    version,
    contentType: checkContentType(artifact.contentType),
    bytes: artifact.data.byteLength,
    sha256: createHash('sha256').update(artifact.data).digest('hex'),
    provenance: artifactProvenanceSchema.parse(artifact.provenance),
    createTime: now,
  };
}
