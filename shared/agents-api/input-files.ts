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

/**
 * Saves a new run's input files in its scope (docs/architecture.md, "Artifacts") before the run is
 * published, and answers the references its submission carries. Every name and type is checked,
 * and the total size, before anything is saved.
 */
export async function saveInputFiles(deps: Pick<ApiDeps, 'artifacts'>, scope: ArtifactScope & { runId: string }, files: InputFiles): Promise<ArtifactPart[]> {
  if (files.length === 0) return [];
  if (!deps.artifacts) throw new FailedPreconditionError('This deployment keeps no files (no artifact store is configured), so a run cannot take files', { code: 'ARTIFACTS_NOT_CONFIGURED' });
  const artifacts = deps.artifacts;
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
  const saved = await Promise.all(decoded.map((file) => artifacts.save(scope, { ...file, provenance: { runId: scope.runId } })));
  return saved.map((metadata) => ({ name: metadata.name, version: metadata.version, contentType: metadata.contentType }));
}

