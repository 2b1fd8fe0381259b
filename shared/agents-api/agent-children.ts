import { z } from 'zod';
import type { AgentRecord } from '../domain/agents/agent-record.ts';
import { parsePageSize } from '../domain/agents/list-request.ts';
import { readPageCursor } from '../domain/agents/page-token.ts';
import { authorizeAgentAccess, type Caller } from '../domain/agents/permissions.ts';
import type { Page } from '../ports/agent-registry.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;

/**
 * A resource under an agent (a trigger, a schedule) belongs to the agent it was created on: one
 * left behind by a deleted agent (its `agentCreateTime` is not the current agent's) is treated as
 * absent, by the API and by what the resource starts.
 */
export function belongsTo<T extends { agentCreateTime: number }>(child: T | undefined, agent: AgentRecord): child is T {
  return child !== undefined && child.agentCreateTime === agent.createTime;
}

/**
 * Those who may update an agent manage its triggers and schedules (they start runs of the agent,
 * as their creator): PERMISSION_DENIED otherwise, whether or not the agent exists (permission
 * before existence).
 */
export async function authorizeAgentChildManagement(deps: Pick<ApiDeps, 'registry'>, caller: Caller, agent: string, read = deps.registry.getAgentRecord.bind(deps.registry)): Promise<AgentRecord> {
  return authorizeAgentAccess(caller, 'update', agent, await read(agent));
}

const cursorSchema = z.tuple([z.string()]);

/** Reads `pageSize` and `pageToken` (bound to the request's parameters), then the page. */
export async function readPage<T>(
  deps: Pick<ApiDeps, 'pageTokens'>,
  query: Record<string, string | undefined>,
  requestParameters: Record<string, string>,
  read: (request: { pageSize: number; after: string | undefined }) => Promise<Page<T>>,
): Promise<Page<T> & { encode: (cursor: string) => string }> {
  const pageSize = parsePageSize(query['pageSize']);
  const token = query['pageToken'];
  let after: string | undefined;
  if (token) {
    after = readPageCursor(cursorSchema, deps.pageTokens.decode(token, requestParameters))[0];
  }
  const page = await read({ pageSize, after });
  return { ...page, encode: (cursor) => deps.pageTokens.encode([cursor], requestParameters) };
}

export function nextToken(page: Page<unknown> & { encode: (cursor: string) => string }): Json {
  return page.next ? { nextPageToken: page.encode(page.next) } : {};
}
