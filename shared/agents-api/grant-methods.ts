import { z } from 'zod';
import type { Caller } from '../domain/agents/permissions.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { InvalidInputError, PermissionDeniedError } from '../domain/errors.ts';
import { toRfc3339 } from '../domain/run-view.ts';
import type { ApiDeps } from './api-deps.ts';

const grantRequestSchema = z.strictObject({ authorization: z.string().min(1).max(1500) });
const userIdPattern = /^[^/\s]{1,256}$/;

function assertUserId(userId: string): void {
  if (!userIdPattern.test(userId)) throw new InvalidInputError(`Invalid user id "${userId}": no slashes or spaces, at most 256 characters`);
}

function readGrantRequest(body: unknown): string {
  const parsed = grantRequestSchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(`Invalid request: ${describeIssues(parsed.error.issues)}`);
  return parsed.data.authorization;
}

/** `POST /v1/users/{user}/authorizations:grant` (admins only): the user may invoke agents needing it. */
export async function grantAuthorization(deps: Pick<ApiDeps, 'registry' | 'clock'>, caller: Caller, userId: string, body: unknown): Promise<Record<string, unknown>> {
  assertUserId(userId);
  if (!caller.admin) throw new PermissionDeniedError('Only administrators grant authorizations');
  const grant = { userId, authorization: readGrantRequest(body), grantedBy: caller.userId, grantTime: deps.clock.now() };
  await deps.registry.putGrant(grant);
  return { ...grant, grantTime: toRfc3339(grant.grantTime) };
}

/** `POST /v1/users/{user}/authorizations:revoke` (admins only); revoking an absent grant succeeds. */
export async function revokeAuthorization(deps: Pick<ApiDeps, 'registry'>, caller: Caller, userId: string, body: unknown): Promise<Record<string, unknown>> {
  assertUserId(userId);
  if (!caller.admin) throw new PermissionDeniedError('Only administrators revoke authorizations');
  await deps.registry.deleteGrant(userId, readGrantRequest(body));
  return {};
}

/** `GET /v1/users/{user}/authorizations`: a user sees their own grants, admins anyone's. */
export async function listAuthorizations(deps: Pick<ApiDeps, 'registry'>, caller: Caller, userId: string): Promise<Record<string, unknown>> {
  assertUserId(userId);
  if (!caller.admin && caller.userId !== userId) throw new PermissionDeniedError(`Permission denied on the authorizations of ${userId}`);
  const grants = await deps.registry.listGrants(userId);
  return { authorizations: grants.map((grant) => ({ ...grant, grantTime: toRfc3339(grant.grantTime) })) };
}
