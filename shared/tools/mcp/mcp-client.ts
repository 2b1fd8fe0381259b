import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FailedPreconditionError } from '../../domain/errors.ts';
import type { McpAuth, McpConnection } from '../../domain/mcp-toolset.ts';
import type { ToolCredentials } from '../../ports/tool-credentials.ts';
import { ToolFailure } from '../tool.ts';
import { redactSecrets } from '../redact-secrets.ts';
import { descendantPids, killStragglers } from '../../local-stack/process-tree.ts';

/** What reaching MCP servers takes here (docs/architecture.md, "MCP toolsets"). */
export interface McpAccess {
  /** The SSRF-guarded fetch: every request to a streamable HTTP server goes through it. */
  fetch: typeof fetch;
  /** Where `auth`'s secrets are read. */
  credentials: ToolCredentials;
  /** Only the local stack starts stdio servers: a deployed service never runs a command a config names. */
  allowStdio: boolean;
}

/** The client's name and version as the server is told them. */
const clientInfo = { name: 'agentline', version: '1' };

/**
 * Opens a session with the server, gives it to `use`, and closes it whatever happens — for stdio,
 * that ends the process (stdin closed, then SIGTERM, then SIGKILL). Each step opens its own: a
 * server restarted between two calls is a new session, never a dead one.
 *
 * @returns what `use` returns, and the secret values sent (to remove them from what the model sees).
 */
export async function withMcpSession<T>(
  connection: McpConnection,
  auth: McpAuth | undefined,
  access: McpAccess,
  use: (client: Client) => Promise<T>,
  /** `connectAttempts`: how often opening is tried (default 2); `connectTimeoutMs`: how long each may take. */
  options: { connectAttempts?: number; connectTimeoutMs?: number } = {},
): Promise<{ value: T; secrets: string[] }> {
  for (let attempt = 1; ; attempt++) {
    const { transport, secrets } = await transportFor(connection, auth, access);
    const client = new Client(clientInfo);
    try {
      try {
        await client.connect(transport, options.connectTimeoutMs !== undefined ? { timeout: options.connectTimeoutMs } : undefined);
      } catch (error) {
        // Opening has no effect, so it is tried once more: a server restarted since the last
        // session leaves a pooled connection that fails its first request ("other side closed").
        if (attempt < (options.connectAttempts ?? maxConnectAttempts)) continue;
        throw error;
      }
      return { value: await use(client), secrets };
    } catch (error) {
      // A server may echo what it was sent: its errors never carry the credential further.
      if (error instanceof Error) error.message = redactSecrets(error.message, secrets);
      throw error;
    } finally {
      // A stateful server keeps a session until told: end it (briefly; a server may not support it, 405).
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await endSession(transport);
      // What a wrapper (npx, sh -c) started under the server would outlive it: found now, stopped after.
      const strays = transport instanceof StdioClientTransport && transport.pid !== null ? descendantPids(transport.pid) : [];
      await client.close().catch(() => undefined);
      await transport.close().catch(() => undefined);
      killStragglers(strays);
    }
  }
}

/** How long ending a session may take before it is left to the server's own expiry. */
const endSessionTimeoutMs = 2_000;

async function endSession(transport: StreamableHTTPClientTransport): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, endSessionTimeoutMs)));
  await Promise.race([transport.terminateSession().catch(() => undefined), timeout]);
  clearTimeout(timer);
}

/** How often a session is opened before its failure counts. */
const maxConnectAttempts = 2;

async function transportFor(connection: McpConnection, auth: McpAuth | undefined, access: McpAccess) {
  if (connection.transport === 'stdio') {
    if (!access.allowStdio) {
      throw new FailedPreconditionError(`MCP stdio servers (${connection.command}) run only on the local stack; deployed, give streamable_http_connection_params`);
    }
    // Only a minimal environment (PATH, HOME, ...) and the config's own env: never this process's secrets.
    const transport = new StdioClientTransport({ command: connection.command, args: connection.args, env: { ...getDefaultEnvironment(), ...connection.env }, stderr: 'ignore' });
    return { transport, secrets: [] as string[] };
  }
  const headers: Record<string, string> = { ...connection.headers };
  const secrets: string[] = [];
  if (auth) {
    const secret = await access.credentials.read(auth.authorization);
    if (secret === undefined) throw new ToolFailure(`The MCP server's authorization ${auth.authorization} has no secret this deployment can read`);
    secrets.push(secret);
    if (auth.scheme === 'bearer') headers['Authorization'] = `Bearer ${secret}`;
    else headers[auth.name] = secret;
  }
  // Redirects are not followed: a credential would go wherever one points.
  const transport = new StreamableHTTPClientTransport(new URL(connection.url), { fetch: access.fetch, requestInit: { headers, redirect: 'error' } });
  return { transport, secrets };
}
