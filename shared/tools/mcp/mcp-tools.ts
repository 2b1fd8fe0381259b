import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AgentlineError, TransientError } from '../../domain/errors.ts';
import { isRepeatableMcpTool, mcpLimits, type McpTool } from '../../domain/mcp-toolset.ts';
import type { Run } from '../../domain/run.ts';
import { ToolFailure, type Tool, type ToolContext } from '../tool.ts';
import { withMcpSession, type McpAccess } from './mcp-client.ts';
import { redactSecrets } from '../redact-secrets.ts';
import { toolsetToolBase } from '../arguments-schema.ts';

/** Calls agents' MCP tools for the tool step (docs/architecture.md, "MCP toolsets"). */
export interface McpCaller {
  call(tool: McpTool, args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

/**
 * The caller over `access`: each call opens its own session in the step that makes it and closes
 * it (ending a stdio server's process), bounded by the attempt's lease and `mcpLimits.callTimeoutMs`.
 * A failure to reach the server is transient for a repeatable tool (the step tries again) and a
 * tool error for any other (it was not called; the model may call again). Once a non-repeatable
 * call has been sent, only its answer says whether it happened.
 */
export function createMcpCaller(access: McpAccess): McpCaller {
  return {
    async call(tool, args, context) {
      const repeatable = isRepeatableMcpTool(tool);
      let sent = false;
      let secrets: string[] = [];
      try {
        const session = await withMcpSession(tool.connection, tool.auth, access, (client) => {
          // Opening may have taken a while: a call is never sent once its attempt's lease is over,
          // when another attempt may already own the step.
          const remaining = Math.min(mcpLimits.callTimeoutMs, context.deadline - context.now() - sendMarginMs);
          if (remaining <= 0) throw new ToolFailure(`MCP tool ${tool.serverToolName} was not called: the attempt's lease ended while its session opened`);
          sent = true;
          return client.callTool({ name: tool.serverToolName, arguments: args }, undefined, { timeout: remaining });
        });
        secrets = session.secrets;
        return answerOf(tool, session.value as CallAnswer, secrets);
      } catch (error) {
        if (error instanceof ToolFailure) throw error;
        const message = redactSecrets((error as Error).message, secrets);
        if (error instanceof AgentlineError && !error.retryable) {
          // Refused before the call went out (an address, a missing secret) it was not made; after, its effect is unknown.
          if (!sent) throw error;
          throw new ToolFailure(`MCP tool ${tool.serverToolName} failed after the call was sent (${message}); it may or may not have taken effect, and is not called again`);
        }
        // The server answered the call with a protocol error (bad arguments, no such tool): it was
        // refused, not lost, so the model reads it and no retry can change it.
        if (sent && error instanceof McpError && !lostAnswerCodes.has(error.code)) throw new ToolFailure(`MCP tool ${tool.serverToolName} refused the call: ${message}`);
        if (repeatable) throw new TransientError(`MCP tool ${tool.serverToolName} failed: ${message}`, { cause: error });
        if (!sent) throw new ToolFailure(`MCP tool ${tool.serverToolName} was not called: its server could not be reached (${message})`);
        throw new ToolFailure(`MCP tool ${tool.serverToolName} gave no answer (${message}); it may or may not have taken effect, and is not called again`);
      }
    },
  };
}

/** A call is sent only with at least this much of its attempt's lease left. */
const sendMarginMs = 1_000;

/** Protocol errors that mean the answer was lost on the way, not that the server refused the call. */
const lostAnswerCodes: ReadonlySet<number> = new Set([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout]);

interface CallAnswer {
  content?: { type: string; text?: string; mimeType?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** What the model sees of an answer: its text, its structured content, what else it held; an error answer as a tool error. */
function answerOf(tool: McpTool, answer: CallAnswer, secrets: readonly string[]): Record<string, unknown> {
  const content = answer.content ?? [];
  const text = redactSecrets(content.flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : [])).join('\n'), secrets);
  if (answer.isError) throw new ToolFailure(`MCP tool ${tool.serverToolName} answered an error: ${text.slice(0, 2_000) || '(no text)'}`);
  const other = content.filter((part) => part.type !== 'text').map((part) => part.mimeType ?? part.type);
  return {
    ...(text !== '' ? { text: text.slice(0, mcpLimits.maxResultCharacters) } : {}),
    ...(text.length > mcpLimits.maxResultCharacters ? { truncated: true } : {}),
    ...(answer.structuredContent ? { structured: JSON.parse(redactSecrets(JSON.stringify(answer.structuredContent), secrets)) as unknown } : {}),
    ...(other.length > 0 ? { not_shown: other } : {}),
  };
}

/**
 * The run's MCP tools as tools: repeatable when the server says they only read or are idempotent;
 * otherwise called once per call. MCP has no key to deduplicate a resent call, so a call whose
 * attempt died after sending it is never sent again: `reconcile` answers that whether it took
 * effect is unknown, as a tool error the model reads.
 */
export function mcpToolsOf(run: Run, caller: McpCaller | undefined): Tool[] {
  return (run.agent?.mcpTools ?? []).map((tool) => toTool(tool, caller));
}

function toTool(tool: McpTool, caller: McpCaller | undefined): Tool {
  const base = toolsetToolBase(tool, caller, 'MCP');
  if (isRepeatableMcpTool(tool)) return { ...base, repeatable: true };
  return {
    ...base,
    repeatable: false,
    reconcile: () => Promise.reject(new ToolFailure(`An earlier attempt of this call to MCP tool ${tool.serverToolName} may have reached the server; whether it took effect is unknown, so it is not called again`)),
  };
}
