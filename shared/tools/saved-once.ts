import type { ArtifactMetadata } from '../domain/artifacts/artifact.ts';
import type { ArtifactStore, SaveArtifact } from '../ports/artifact-store.ts';
import { artifactScopeOfCall } from './artifact-scope-of-call.ts';
import type { ToolContext } from './tool.ts';

/**
 * The file as this call saved it: the latest version when an earlier attempt of the call saved it
 * (same run and step in its provenance), else a new one, so a retried call keeps one version.
 */
export async function savedOnce(artifacts: ArtifactStore, context: ToolContext, file: SaveArtifact): Promise<ArtifactMetadata> {
  const scope = artifactScopeOfCall(context);
  const latest = (await artifacts.versions(scope, file.name)).at(-1);
  const earlier = latest === undefined ? undefined : await artifacts.metadata(scope, file.name, latest);
  if (earlier && earlier.provenance.runId === context.runId && earlier.provenance.stepId === context.stepId) return earlier;
  return artifacts.save(scope, file);
}
