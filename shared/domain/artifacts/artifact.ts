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
/** Half of a surrogate pair without the other: text no encoding can carry. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
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
          : /[\u0000-\u001f\u007f\\]/.test(name) || loneSurrogate.test(name)
            ? 'must not contain control characters, backslashes or ill-formed text'
            : undefined;
  if (problem) throw new InvalidInputError(`Artifact name ${JSON.stringify(name.slice(0, 100))} ${problem}`, { code: 'INVALID_ARTIFACT_NAME' });
  return name;
}

export function checkContentType(contentType: string): string {
  if (contentType.length > 255 || !contentTypePattern.test(contentType)) throw new InvalidInputError(`Content type ${JSON.stringify(contentType.slice(0, 100))} is not a media type`, { code: 'INVALID_ARTIFACT' });
  return contentType;
}

/**
 * The scope's folder: `{user}/sessions/{session}` or `{user}/runs/{run}`, each id encoded as a
 * single path segment (`encodePathSegment`) so none can contain a slash or be `.` or `..`.
 */
export function scopeFolder(scope: ArtifactScope): string {
  if (scope.sessionId === undefined && scope.runId === undefined) throw new InvalidInputError('An artifact belongs to a user and to a session or a run', { code: 'INVALID_ARTIFACT' });
  const owner = scope.sessionId !== undefined ? `sessions/${encodePathSegment(scope.sessionId, 'session id')}` : `runs/${encodePathSegment(scope.runId!, 'run id')}`;
  return `${encodePathSegment(scope.userId, 'user id')}/${owner}`;
}

/**
 * One path segment for a file tree or an object name: URL-encoded (no slash survives), never empty,
 * `.` or `..`, and ill-formed text refused. A segment longer than 200 characters once encoded (a
 * file name holds at most 255 bytes, an object name 1,024) is `%7E` and its SHA-256: `%7E` is
 * nothing `encodeURIComponent` produces, so no ordinary segment can name the same place.
 */
export function encodePathSegment(text: string, what: string): string {
  if (text === '' || text === '.' || text === '..') throw new InvalidInputError(`An artifact's ${what} must not be empty, . or ..`, { code: 'INVALID_ARTIFACT' });
  if (loneSurrogate.test(text)) throw new InvalidInputError(`An artifact's ${what} is not well-formed text`, { code: 'INVALID_ARTIFACT' });
  const encoded = encodeURIComponent(text);
  return encoded.length <= 200 ? encoded : `%7E${createHash('sha256').update(text).digest('hex')}`;
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
