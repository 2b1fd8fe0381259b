import { z } from 'zod';

/**
 * MCP toolsets (docs/architecture.md, "MCP toolsets"): where an MCP server is, which of its tools
 * an agent exposes, and the tools as deploy listed them — snapshotted on the agent and the run, so
 * a server whose tools change does not silently change a deployed agent.
 */

/** How the server is reached: streamable HTTP anywhere, stdio (a process the step starts) only on the local stack. */
/**
 * Headers a config may not set: credentials, which belong in `auth` (its secret out of the config,
 * out of logs and the model's sight), and those HTTP or MCP itself sets, which would break or
 * hijack the session.
 */
const credentialHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key', 'x-auth-token']);
const protocolHeaders = new Set(['mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'host', 'content-length', 'content-type', 'accept', 'connection', 'transfer-encoding', 'te', 'upgrade', 'keep-alive', 'trailer', 'expect']);

function duplicateOf(names: readonly string[]): string | undefined {
  return names.find((name, index) => names.indexOf(name) !== index);
}

function refusedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (credentialHeaders.has(lower)) return 'carries a credential: give it as auth, whose secret stays in Secret Manager';
  if (protocolHeaders.has(lower)) return 'is set by HTTP or MCP itself';
  return undefined;
}

export const mcpConnectionSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    transport: z.literal('streamable_http'),
    url: z.url({ protocol: /^https?$/ }),
    /** Sent with every request; never a credential (those come from `auth`, out of the config) nor one the protocol sets. */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(4_096))
      .superRefine((headers, context) => {
        for (const name of Object.keys(headers)) {
          const reason = refusedHeaderReason(name);
          if (reason) context.addIssue({ code: 'custom', path: [name], message: `${name} ${reason}` });
        }
      })
      .optional(),
  }),
  z.strictObject({
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).max(64),
    /** The process's whole environment besides a minimal PATH, HOME and the like: never the caller's. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  }),
]);
export type McpConnection = z.infer<typeof mcpConnectionSchema>;

/**
 * A streamable HTTP server's credential: `authorization` names one of the agent's
 * `authorizationConfig.toolAuthorizations`, whose secret is read when a call is made and sent as
 * `Authorization: Bearer <secret>` (`bearer`) or as the header `name` (`header`).
 */
export const mcpAuthSchema = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('bearer'), authorization: z.string().min(1) }),
  z.strictObject({ scheme: z.literal('header'), authorization: z.string().min(1), name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/) }),
]);
export type McpAuth = z.infer<typeof mcpAuthSchema>;

export const mcpToolsetConfigSchema = z.strictObject({
  connection: mcpConnectionSchema,
  /** The server's tool names to expose; absent exposes every tool (within the limits). */
  toolFilter: z
    .array(z.string().min(1))
    .min(1)
    .refine((names) => new Set(names).size === names.length, { error: (issue) => `names ${duplicateOf(issue.input as string[])} twice` })
    .optional(),
  /** Put before every function name of the toolset, with an underscore. */
  toolNamePrefix: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,31}$/).optional(),
  auth: mcpAuthSchema.optional(),
});
export type McpToolsetConfig = z.infer<typeof mcpToolsetConfigSchema>;

/** MCP's tool annotations that decide how a redelivered step treats a call. */
export const mcpAnnotationsSchema = z.strictObject({
  readOnlyHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
});

/** One server tool as a run calls it. */
export const mcpToolSchema = z.strictObject({
  /** The function name the model calls: Gemini's rules, unique in the agent. */
  toolName: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/),
  /** Its name on the server. */
  serverToolName: z.string().min(1),
  description: z.string(),
  parametersJsonSchema: z.record(z.string(), z.unknown()),
  annotations: mcpAnnotationsSchema,
  connection: mcpConnectionSchema,
  auth: mcpAuthSchema.optional(),
});
export type McpTool = z.infer<typeof mcpToolSchema>;

/** Keeps a server with many tools from being sent to the model whole (every declaration goes with every request). */
/**
 * `listBudgetMs` bounds listing every toolset of an agent, well inside the 60 s of the function
 * that lists them (the deploy worker, a run's submission); `listTimeoutMs` bounds one request.
 */
export const mcpLimits = { maxTools: 64, maxToolsets: 8, maxDeclarationBytes: 120_000, callTimeoutMs: 60_000, listTimeoutMs: 20_000, listBudgetMs: 40_000, maxResultCharacters: 400_000 } as const;

/**
 * A call may simply be made again when the server says it only reads, or that repeating it has no
 * further effect; every other tool is called once per call (MCP has no idempotency key to resend with).
 */
export function isRepeatableMcpTool(tool: Pick<McpTool, 'annotations'>): boolean {
  return tool.annotations.readOnlyHint === true || tool.annotations.idempotentHint === true;
}
