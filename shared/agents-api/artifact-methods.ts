import { checkArtifactName, type ArtifactMetadata, type ArtifactScope } from '../domain/artifacts/artifact.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import { FailedPreconditionError, InvalidInputError, NotFoundError } from '../domain/errors.ts';
import { runName } from '../domain/run.ts';
import { isPrivateArtifactName } from '../domain/code-execution/code-execution.ts';
import { toRfc3339 } from '../domain/run-view.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { Caller } from '../domain/agents/permissions.ts';
import type { ApiDeps } from './api-deps.ts';
import { findAuthorizedRun } from './run-methods.ts';

/** A file the API answers with as it is stored, never rendered: the download of an artifact. */
export class FileDownload {
  readonly data: Buffer;
  readonly contentType: string;
  readonly fileName: string;
  constructor(data: Buffer, contentType: string, fileName: string) {
    this.data = data;
    this.contentType = contentType;
    this.fileName = fileName;
  }
}

/**
 * `runs.listArtifacts`: the latest version of each file in the run's scope — its own files, or its
 * session's — as the caller may see the run (403 before 404). Code execution's requests and
 * reports (`executions/…`) and the browser's cookies (`browser-sessions/…`) are the pipeline's
 * records, not the user's files, and are left out.
 */
export async function listRunArtifacts(deps: Pick<ApiDeps, 'runs' | 'artifacts'>, caller: Caller, runId: string) {
  const scope = await authorizedScope(deps, caller, runId);
  const listed = await storeOf(deps).list(scope);
  return { artifacts: listed.filter((artifact) => !isPrivateArtifactName(artifact.name)).map(artifactView) };
}

/** `runs.getArtifact`: one file's bytes (the latest version, or `version`), as an attachment. */
export async function getRunArtifact(deps: Pick<ApiDeps, 'runs' | 'artifacts'>, caller: Caller, runId: string, name: string, version: string | undefined): Promise<FileDownload> {
  const scope = await authorizedScope(deps, caller, runId);
  checkArtifactName(name);
  if (isPrivateArtifactName(name)) {
    throw new NotFoundError(`${name} is a record the pipeline keeps for itself, not a file of ${runName(runId)}`, { code: 'ARTIFACT_NOT_FOUND', metadata: { run: runName(runId), artifact: name } });
  }
  const number = version === undefined ? undefined : Number(version);
  if (number !== undefined && !(Number.isInteger(number) && number >= 0)) throw new InvalidInputError(`version must be a whole number, got "${version}"`, { code: 'INVALID_ARGUMENT' });
  const found = await storeOf(deps).load(scope, name, number);
  if (!found) throw new NotFoundError(`${runName(runId)} has no file ${name}${number === undefined ? '' : ` version ${number}`}`, { code: 'ARTIFACT_NOT_FOUND', metadata: { run: runName(runId), artifact: name } });
  return new FileDownload(found.data, found.metadata.contentType, name.slice(name.lastIndexOf('/') + 1));
}

async function authorizedScope(deps: Pick<ApiDeps, 'runs'>, caller: Caller, runId: string): Promise<ArtifactScope> {
  const found = await findAuthorizedRun(deps, caller, runId);
  return artifactScopeOfRun('run' in found ? found.run : found.claim);
}

export function storeOf(deps: Pick<ApiDeps, 'artifacts'>): ArtifactStore {
  if (!deps.artifacts) throw new FailedPreconditionError('This deployment keeps no files (no artifact store is configured)', { code: 'ARTIFACTS_NOT_CONFIGURED' });
  return deps.artifacts;
}

function artifactView(artifact: ArtifactMetadata) {
  return {
    name: artifact.name,
    version: artifact.version,
    contentType: artifact.contentType,
    bytes: artifact.bytes,
    sha256: artifact.sha256,
    ...(Object.keys(artifact.provenance).length > 0 ? { provenance: artifact.provenance } : {}),
    createTime: toRfc3339(artifact.createTime),
  };
}
