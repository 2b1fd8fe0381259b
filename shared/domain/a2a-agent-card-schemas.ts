import { z } from 'zod';

/*
 * The JSON shapes of an A2A agent card, as the two published protocol versions define them:
 * v0.3 (specification/json/a2a.json, `AgentCard`) and v1.0 (specification/a2a.proto, `AgentCard`,
 * in its JSON mapping). Only the fields each spec marks required, plus the optional ones agentline
 * reads, are checked; every other field is allowed through untouched.
 */

const text = z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a string') });
const nonEmptyText = text.min(1, 'must not be empty');
const textList = z.array(text, { error: (issue) => (issue.input === undefined ? 'required' : 'must be an array of strings') });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http or https URL' });

/** A2A versions agentline's client speaks: 0.3 (compat transport) and 1.x. */
const spokenVersion = nonEmptyText.regex(/^(0\.3|1\.\d+)(\.\d+)?$/, 'must be an A2A version agentline speaks (0.3 or 1.x)');

const skillSchema = z.looseObject({
  id: nonEmptyText,
  name: nonEmptyText,
  description: text,
  tags: textList,
});

const capabilitiesSchema = z.looseObject(
  {},
  { error: (issue) => (issue.input === undefined ? 'required' : 'must be an object') },
);

const commonFields = {
  name: nonEmptyText,
  description: text,
  version: nonEmptyText,
  capabilities: capabilitiesSchema,
  defaultInputModes: textList,
  defaultOutputModes: textList,
  skills: z.array(skillSchema, { error: (issue) => (issue.input === undefined ? 'required' : 'must be an array') }),
};

/** v0.3: one main `url` (with `preferredTransport`, default JSONRPC) plus `additionalInterfaces`. */
export const a2aCardV03Schema = z.looseObject({
  ...commonFields,
  protocolVersion: nonEmptyText.regex(
    /^0\.3(\.\d+)?$/,
    'must be 0.3.x: agentline speaks A2A 0.3 and 1.x, and a 1.x card lists supportedInterfaces',
  ),
  url: httpUrl,
  preferredTransport: nonEmptyText.optional(),
  additionalInterfaces: z
    .array(z.looseObject({ url: httpUrl, transport: nonEmptyText }))
    .optional(),
});
export type A2aCardV03 = z.infer<typeof a2aCardV03Schema>;

/** v1.0: an ordered `supportedInterfaces` list (first preferred), each with its own version. */
export const a2aCardV10Schema = z.looseObject({
  ...commonFields,
  supportedInterfaces: z
    .array(
      z.looseObject({
        url: httpUrl,
        protocolBinding: nonEmptyText,
        protocolVersion: spokenVersion,
        tenant: text.optional(),
      }),
      { error: 'must be an array of interfaces' },
    )
    .min(1, 'must list at least one interface'),
});
export type A2aCardV10 = z.infer<typeof a2aCardV10Schema>;
