import { describe, expect, it } from 'vitest';
import { parseA2aAgentCard, parseA2aAgentCardJson, type A2aAgentCardView } from './a2a-agent-card.ts';
import { InvalidInputError } from './errors.ts';

/** Shaped like the a2a-samples currency agent's v0.3 card. */
const v03Card = {
  protocolVersion: '0.3.0',
  name: 'Currency Agent',
  description: 'Helps with exchange rates for currencies',
  url: 'https://currency.example.com/a2a/jsonrpc',
  preferredTransport: 'JSONRPC',
  additionalInterfaces: [
    { url: 'https://currency.example.com/a2a/jsonrpc', transport: 'JSONRPC' },
    { url: 'https://currency.example.com/a2a/rest', transport: 'HTTP+JSON' },
  ],
  provider: { organization: 'Example', url: 'https://example.com' },
  version: '1.0.0',
  capabilities: { streaming: true, pushNotifications: false },
  securitySchemes: {},
  defaultInputModes: ['text', 'text/plain'],
  defaultOutputModes: ['text', 'text/plain'],
  skills: [
    {
      id: 'convert_currency',
      name: 'Currency Exchange Rates Tool',
      description: 'Helps with exchange values between various currencies',
      tags: ['currency conversion', 'currency exchange'],
      examples: ['What is exchange rate between USD and GBP?'],
    },
  ],
  supportsAuthenticatedExtendedCard: false,
};

/** Shaped like a v1.0 card served by @a2a-js/sdk 1.x. */
const v10Card = {
  name: 'Recipe Agent',
  description: 'Agent that helps users with recipes and cooking.',
  supportedInterfaces: [
    { url: 'https://recipes.example.com/a2a/grpc', protocolBinding: 'GRPC', protocolVersion: '1.0' },
    { url: 'https://recipes.example.com/a2a/v1', protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: 'kitchen' },
    { url: 'https://recipes.example.com/a2a/rest', protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' },
  ],
  provider: { organization: 'Example', url: 'https://example.com' },
  version: '2.1.0',
  capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain', 'application/json'],
  skills: [{ id: 'find-recipe', name: 'Find Recipe', description: 'Finds recipes', tags: ['cooking'] }],
  signatures: [],
};

const currencySkill = {
  id: 'convert_currency',
  name: 'Currency Exchange Rates Tool',
  description: 'Helps with exchange values between various currencies',
  tags: ['currency conversion', 'currency exchange'],
};

describe('parseA2aAgentCard accepts', () => {
  it.each<[string, unknown, A2aAgentCardView]>([
    [
      'a v0.3 card, calling its main url with the preferred transport',
      v03Card,
      {
        name: 'Currency Agent',
        description: 'Helps with exchange rates for currencies',
        version: '1.0.0',
        protocolVersion: '0.3.0',
        endpoint: { url: 'https://currency.example.com/a2a/jsonrpc', transport: 'JSONRPC', protocolVersion: '0.3.0' },
        skills: [currencySkill],
      },
    ],
    [
      'a v0.3 card without preferredTransport (JSONRPC by default)',
      { ...v03Card, preferredTransport: undefined, additionalInterfaces: undefined },
      expect.objectContaining({ endpoint: { url: v03Card.url, transport: 'JSONRPC', protocolVersion: '0.3.0' } }),
    ],
    [
      'a v0.3 card whose preferred transport is GRPC, falling back to an additional interface',
      { ...v03Card, url: 'https://currency.example.com/grpc', preferredTransport: 'GRPC', additionalInterfaces: [{ url: 'https://currency.example.com/rest', transport: 'HTTP+JSON' }] },
      expect.objectContaining({ endpoint: { url: 'https://currency.example.com/rest', transport: 'HTTP+JSON', protocolVersion: '0.3.0' } }),
    ],
    [
      'a v1.0 card, calling the first interface with a transport agentline speaks',
      v10Card,
      {
        name: 'Recipe Agent',
        description: 'Agent that helps users with recipes and cooking.',
        version: '2.1.0',
        protocolVersion: '1.0',
        endpoint: { url: 'https://recipes.example.com/a2a/v1', transport: 'JSONRPC', protocolVersion: '1.0', tenant: 'kitchen' },
        skills: [{ id: 'find-recipe', name: 'Find Recipe', description: 'Finds recipes', tags: ['cooking'] }],
      },
    ],
    [
      'a v1.0 card whose interface speaks v0.3 (compat)',
      { ...v10Card, supportedInterfaces: [{ url: 'http://localhost:4000/a2a', protocolBinding: 'JSONRPC', protocolVersion: '0.3' }] },
      expect.objectContaining({ protocolVersion: '0.3', endpoint: { url: 'http://localhost:4000/a2a', transport: 'JSONRPC', protocolVersion: '0.3' } }),
    ],
    [
      'a card with no skills',
      { ...v10Card, skills: [] },
      expect.objectContaining({ skills: [] }),
    ],
  ])('%s', (_name, card, expected) => {
    expect(parseA2aAgentCard(card)).toEqual(expected);
  });
});

/** The lines of the error `parse` throws. */
function errorLines(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('INVALID_ARGUMENT');
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the card to be refused');
}

const without = (card: Record<string, unknown>, ...fields: string[]) =>
  Object.fromEntries(Object.entries(card).filter(([key]) => !fields.includes(key)));

describe('parseA2aAgentCard refuses', () => {
  it.each<[string, unknown, string[]]>([
    ['something that is not an object', ['a'], ['agent card: expected a JSON object, got an array']],
    ['null', null, ['agent card: expected a JSON object, got null']],
    [
      'a v0.3 card missing every required field, naming each',
      { protocolVersion: '0.3.0' },
      [
        'agent card: name: required',
        'agent card: description: required',
        'agent card: version: required',
        'agent card: capabilities: required',
        'agent card: defaultInputModes: required',
        'agent card: defaultOutputModes: required',
        'agent card: skills: required',
        'agent card: url: must be an absolute http or https URL',
      ],
    ],
    ['a v0.3 card with a relative url', { ...v03Card, url: '/a2a' }, ['agent card: url: must be an absolute http or https URL']],
    ['a v0.3 card with a file url', { ...v03Card, url: 'file:///etc/passwd' }, ['agent card: url: must be an absolute http or https URL']],
    [
      'a v0.3 card of an older protocol version',
      { ...v03Card, protocolVersion: '0.2.5' },
      ['agent card: protocolVersion: must be 0.3.x: agentline speaks A2A 0.3 and 1.x, and a 1.x card lists supportedInterfaces'],
    ],
    [
      'a v0.3 card claiming 1.0 without supportedInterfaces',
      { ...v03Card, protocolVersion: '1.0' },
      ['agent card: protocolVersion: must be 0.3.x: agentline speaks A2A 0.3 and 1.x, and a 1.x card lists supportedInterfaces'],
    ],
    [
      'a v0.3 additional interface without a transport',
      { ...v03Card, additionalInterfaces: [{ url: 'https://x.example.com' }] },
      ['agent card: additionalInterfaces[0].transport: required'],
    ],
    [
      'a skill without an id and with tags that are not strings',
      { ...v03Card, skills: [{ name: 'x', description: 'y', tags: [1] }] },
      ['agent card: skills[0].id: required', 'agent card: skills[0].tags[0]: must be a string'],
    ],
    [
      'a v1.0 card with no interfaces',
      { ...v10Card, supportedInterfaces: [] },
      ['agent card: supportedInterfaces: must list at least one interface'],
    ],
    [
      'a v1.0 interface missing its binding and version',
      { ...v10Card, supportedInterfaces: [{ url: 'https://x.example.com' }] },
      ['agent card: supportedInterfaces[0].protocolBinding: required', 'agent card: supportedInterfaces[0].protocolVersion: required'],
    ],
    [
      'a v1.0 card missing name and modes',
      without(v10Card, 'name', 'defaultInputModes', 'defaultOutputModes'),
      ['agent card: name: required', 'agent card: defaultInputModes: required', 'agent card: defaultOutputModes: required'],
    ],
    [
      'a v1.0 interface of a protocol version agentline does not speak',
      { ...v10Card, supportedInterfaces: [{ url: 'https://x.example.com', protocolBinding: 'JSONRPC', protocolVersion: '2.0' }] },
      ['agent card: supportedInterfaces[0].protocolVersion: must be an A2A version agentline speaks (0.3 or 1.x)'],
    ],
    [
      'a v1.0 card that only offers gRPC',
      { ...v10Card, supportedInterfaces: [{ url: 'https://x.example.com', protocolBinding: 'GRPC', protocolVersion: '1.0' }] },
      ['agent card: supportedInterfaces: no interface agentline can call: the card offers GRPC; agentline calls JSONRPC or HTTP+JSON'],
    ],
    [
      'a v0.3 card that only offers gRPC',
      { ...v03Card, preferredTransport: 'GRPC', additionalInterfaces: [] },
      ['agent card: preferredTransport: no interface agentline can call: the card offers GRPC; agentline calls JSONRPC or HTTP+JSON'],
    ],
  ])('%s', (_name, card, expected) => {
    expect(errorLines(() => parseA2aAgentCard(card))).toEqual(expected);
  });
});

describe('parseA2aAgentCardJson', () => {
  it('reads a card given as a JSON string', () => {
    expect(parseA2aAgentCardJson(JSON.stringify(v10Card)).name).toBe('Recipe Agent');
  });

  it('says the text is not JSON when it is not', () => {
    const [line] = errorLines(() => parseA2aAgentCardJson('{"name": "x",'));
    expect(line).toMatch(/^agent card: not valid JSON: /);
  });

  it('validates the parsed card', () => {
    expect(errorLines(() => parseA2aAgentCardJson('"a card"'))).toEqual(['agent card: expected a JSON object, got a string']);
  });
});
