import { z } from 'zod';
import { checkArtifactName, type ArtifactScope } from '../domain/artifacts/artifact.ts';
import { contentTypeOfName } from '../domain/artifacts/content-types.ts';
import { isReservedArtifactName, maxInputFiles, reservedArtifactPrefixes } from '../domain/code-execution/code-execution.ts';
import type { ArtifactPart } from '../domain/content.ts';
import { FailedPreconditionError, InvalidInputError } from '../domain/errors.ts';
import type { ApiDeps } from './api-deps.ts';

/** The most bytes of all a run's input files together, once decoded. */
export const maxInputFileBytes = 10 * 1024 * 1024;

/** `files` of `runs.create`: each a name, an optional content type (else from the name) and the bytes in base64. */
export const inputFilesSchema = z
  .array(z.strictObject({ name: z.string().min(1), contentType: z.string().optional(), data: z.base64() }))
  .max(maxInputFiles);
export type InputFiles = z.infer<typeof inputFilesSchema>;

/** A run's input files once checked: decoded, named, typed and within the limits. */
export interface CheckedInputFiles {
  artifacts: NonNullable<ApiDeps['artifacts']>;
  files: { name: string; contentType: string; data: Buffer }[];
}

/**
 * Checks a new run's input files (docs/architecture.md, "Artifacts") — that files are kept here,
 * every name and type, no two alike, the total size — before anything of the run is written, so a
 * refused file leaves no claimed run behind waiting for a submission that never comes.
 */
export function checkInputFiles(deps: Pick<ApiDeps, 'artifacts'>, files: InputFiles): CheckedInputFiles | undefined {
  if (files.length === 0) return undefined;
  if (!deps.artifacts) throw new FailedPreconditionError('This deployment keeps no files (no artifact store is configured), so a run cannot take files', { code: 'ARTIFACTS_NOT_CONFIGURED' });
  const decoded = files.map((file, index) => {
    try {
      checkArtifactName(file.name);
      if (isReservedArtifactName(file.name)) throw new Error(`${file.name} is under a name the pipeline keeps for itself (${reservedArtifactPrefixes.join(', ')})`);
    } catch (error) {
      throw new InvalidInputError(`files[${index}].name: ${(error as Error).message}`, { code: 'INVALID_RUN' });
    }
    return { name: file.name, contentType: file.contentType ?? contentTypeOfName(file.name), data: Buffer.from(file.data, 'base64') };
  });
  if (new Set(decoded.map((file) => file.name)).size !== decoded.length) throw new InvalidInputError('files: two files have the same name', { code: 'INVALID_RUN' });
  const total = decoded.reduce((sum, file) => sum + file.data.length, 0);
  if (total > maxInputFileBytes) throw new InvalidInputError(`files: ${total} bytes in all; the limit is ${maxInputFileBytes}`, { code: 'INVALID_RUN' });
  return { artifacts: deps.artifacts, files: decoded };
}

/** Saves checked input files in the new run's scope and answers the references its submission carries. */
export async function saveInputFiles(checked: CheckedInputFiles | undefined, scope: ArtifactScope & { runId: string }): Promise<ArtifactPart[]> {
  if (!checked) return [];
  const saved = await Promise.all(checked.files.map((file) => checked.artifacts.save(scope, { ...file, provenance: { runId: scope.runId } })));
  return saved.map((metadata) => ({ name: metadata.name, version: metadata.version, contentType: metadata.contentType }));
}
