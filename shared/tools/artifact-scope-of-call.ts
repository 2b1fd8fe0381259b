import type { ArtifactScope } from '../domain/artifacts/artifact.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import type { ToolContext } from './tool.ts';

/** Where a tool call's files belong: its run's scope (docs/architecture.md, "Artifacts"). */
export function artifactScopeOfCall(context: Pick<ToolContext, 'runId' | 'userId' | 'sessionId'>): ArtifactScope {
  return artifactScopeOfRun({ runId: context.runId, ...(context.userId !== undefined ? { userId: context.userId } : {}), ...(context.sessionId !== undefined ? { sessionId: context.sessionId } : {}) });
}
