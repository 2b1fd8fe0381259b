import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigValidationError, describeType, isPlainObject, joinPath, type ConfigProblem } from './config-problems.ts';
import { a2aCardV03Schema, a2aCardV10Schema, type A2aCardV03, type A2aCardV10 } from './a2a-agent-card-schemas.ts';

/** Transports agentline can call (`@a2a-js/sdk`'s JSON-RPC and HTTP+JSON clients). GRPC is not. */
export const callableA2aTransports = ['JSONRPC', 'HTTP+JSON'] as const;
export type A2aTransport = (typeof callableA2aTransports)[number];

/** Where and how to call a remote agent: the first callable interface its card declares. */
export const a2aEndpointSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  transport: z.enum(callableA2aTransports),
  /** The A2A protocol version this interface speaks, e.g. `0.3.0` or `1.0`. */
  protocolVersion: z.string().min(1),
  /** v1.0 multi-tenant interfaces only. */
  tenant: z.string().min(1).optional(),
});
export type A2aEndpoint = z.infer<typeof a2aEndpointSchema>;

/**
 * The parts of a validated A2A agent card (v0.3 or v1.0) that agentline uses, in one shape for
 * both versions. Stored with the run's agent snapshot, so a run keeps calling the endpoint it was
 * submitted with.
 */
export const a2aAgentCardViewSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  /** The agent's own version, as its card states it. */
  version: z.string(),
  /** The card's protocol version: v0.3's `protocolVersion`, or the chosen v1.0 interface's. */
  protocolVersion: z.string().min(1),
  endpoint: a2aEndpointSchema,
  skills: z.array(
    z.strictObject({ id: z.string(), name: z.string(), description: z.string(), tags: z.array(z.string()) }),
  ),
});
export type A2aAgentCardView = z.infer<typeof a2aAgentCardViewSchema>;

/**
 * Validates an A2A agent card and returns the view agentline runs. The version is told by the
 * shape: a card with `supportedInterfaces` is read as v1.0, any other card as v0.3 (`url`,
 * `protocolVersion`, `preferredTransport`, `additionalInterfaces`). Unknown fields are allowed,
 * as both specs let cards grow.
 *
 * @throws ConfigValidationError (an InvalidInputError, code INVALID_ARGUMENT) with one line per
 *   problem, `agent card: <JSON path>: <message>`, every problem found rather than the first.
 */
export function parseA2aAgentCard(value: unknown, source = 'agent card'): A2aAgentCardView {
  if (!isPlainObject(value)) {
    throw new ConfigValidationError(source, [{ path: '', message: `expected a JSON object, got ${describeType(value)}` }]);
  }
  if ('supportedInterfaces' in value) return viewOfV10(check(a2aCardV10Schema, value, source), source);
  return viewOfV03(check(a2aCardV03Schema, value, source), source);
}

/**
 * The `jsonAgentCard` form: the card as a JSON string.
 *
 * @throws ConfigValidationError when the text is not JSON or not a valid card.
 */
export function parseA2aAgentCardJson(text: string, source = 'agent card'): A2aAgentCardView {
  return parseA2aAgentCard(parseCardJson(text, source), source);
}

/** The JSON value of a card's text, or a ConfigValidationError saying it is not JSON. */
export function parseCardJson(text: string, source = 'agent card'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError(source, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigValidationError(source, parsed.error.issues.map(toProblem));
  return parsed.data;
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.reduce<string>((parent, key) => joinPath(parent, typeof key === 'number' ? key : String(key)), '');
  return { path, message: issue.message };
}

function viewOfV03(card: A2aCardV03, source: string): A2aAgentCardView {
  const interfaces = [
    { url: card.url, transport: card.preferredTransport ?? 'JSONRPC', path: 'url' },
    ...(card.additionalInterfaces ?? []).map((entry, index) => ({ ...entry, path: `additionalInterfaces[${index}]` })),
  ];
  const chosen = interfaces.find((entry) => isCallable(entry.transport));
  if (!chosen) throw noCallableInterface(interfaces.map((entry) => entry.transport), 'preferredTransport', source);
  return {
    ...identity(card),
    protocolVersion: card.protocolVersion,
    endpoint: { url: chosen.url, transport: chosen.transport as A2aTransport, protocolVersion: card.protocolVersion },
  };
}

function viewOfV10(card: A2aCardV10, source: string): A2aAgentCardView {
  const chosen = card.supportedInterfaces.find((entry) => isCallable(entry.protocolBinding));
  if (!chosen) throw noCallableInterface(card.supportedInterfaces.map((entry) => entry.protocolBinding), 'supportedInterfaces', source);
  return {
    ...identity(card),
    protocolVersion: chosen.protocolVersion,
    endpoint: {
      url: chosen.url,
      transport: chosen.protocolBinding as A2aTransport,
      protocolVersion: chosen.protocolVersion,
      ...(chosen.tenant ? { tenant: chosen.tenant } : {}),
    },
  };
}

function identity(card: A2aCardV03 | A2aCardV10) {
  return {
    name: card.name,
    description: card.description,
    version: card.version,
    skills: card.skills.map(({ id, name, description, tags }) => ({ id, name, description, tags })),
  };
}

function isCallable(transport: string): boolean {
  return (callableA2aTransports as readonly string[]).includes(transport);
}

function noCallableInterface(transports: string[], path: string, source: string): ConfigValidationError {
  return new ConfigValidationError(source, [
    {
      path,
      message: `no interface agentline can call: the card offers ${[...new Set(transports)].join(', ')}; agentline calls ${callableA2aTransports.join(' or ')}`,
    },
  ]);
}

/** A short content hash of the view: what a run records as the agent version it ran. */
export function remoteAgentVersion(view: A2aAgentCardView): string {
  return `a2a-${createHash('sha256').update(JSON.stringify(view)).digest('hex').slice(0, 16)}`;
}
