import type { Run } from '../run.ts';
import type { ArtifactScope } from './artifact.ts';

/** Runs whose submitter proved no user keep their files under this user id. */
export const anonymousArtifactUser = '-anonymous';

/**
 * Where a run's files belong (docs/architecture.md, "Artifacts"): its user's, and within them its
 * session's (shared by the session's runs) or else its own.
 */
export function artifactScopeOfRun(run: Pick<Run, 'runId' | 'userId' | 'sessionId'>): ArtifactScope {
  return { userId: run.userId ?? anonymousArtifactUser, ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : { runId: run.runId }) };
}
