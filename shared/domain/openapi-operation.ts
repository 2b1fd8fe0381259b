import { z } from 'zod';

/**
 * An OpenAPI operation as a run calls it, resolved from its document at deploy (or when an inline
 * config's run starts) and snapshotted on the agent and the run, so a changed document never
 * changes a deployed agent (docs/architecture.md, "OpenAPI toolsets").
 */

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** One path, query or header parameter: its name on the wire and the argument the model fills. */
export const openApiParameterSchema = z.strictObject({
  name: z.string().min(1),
  in: z.enum(['path', 'query', 'header']),
  argument: z.string().min(1),
  required: z.boolean(),
});
export type OpenApiParameter = z.infer<typeof openApiParameterSchema>;

/**
 * How a toolset's calls authenticate: `authorization` names one of the agent's
 * `authorizationConfig.toolAuthorizations`, whose secret (an API key, a bearer token, or an
 * OAuth2 client secret) is read when the call is made and never stored here.
 */
export const openApiAuthSchema = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('api_key'), authorization: z.string().min(1), in: z.enum(['header', 'query']), name: z.string().min(1) }),
  z.strictObject({ scheme: z.literal('bearer'), authorization: z.string().min(1) }),
  z.strictObject({
    scheme: z.literal('oauth2_client_credentials'),
    authorization: z.string().min(1),
    tokenUrl: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    scopes: z.array(z.string().min(1)),
  }),
]);
export type OpenApiAuth = z.infer<typeof openApiAuthSchema>;

export const openApiOperationSchema = z.strictObject({
  /** The function name the model calls: Gemini's rules, unique in the agent. */
  toolName: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/),
  description: z.string(),
  method: z.enum(httpMethods),
  /** Absolute http(s) base URL the path template is appended to. */
  serverUrl: z.url({ protocol: /^https?$/ }),
  /** E.g. `/pets/{petId}`. */
  pathTemplate: z.string().startsWith('/'),
  parameters: z.array(openApiParameterSchema),
  /** The request body, sent from the `body` argument; absent when the operation has none. */
  body: z.strictObject({ contentType: z.string().min(1), required: z.boolean() }).optional(),
  /** The JSON Schema of the function's arguments, as the model is shown it. */
  parametersJsonSchema: z.record(z.string(), z.unknown()),
  auth: openApiAuthSchema.optional(),
});
export type OpenApiOperation = z.infer<typeof openApiOperationSchema>;

/** GET and HEAD may simply run again; every other method is an effect (a NonRepeatableTool). */
export function isRepeatableMethod(method: OpenApiOperation['method']): boolean {
  return method === 'GET' || method === 'HEAD';
}
