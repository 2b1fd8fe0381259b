import { describe, expect, it } from 'vitest';
import type { InvalidInputError } from '../errors.ts';
import { maxAgentJsonBytes } from './agent-fields.ts';
import { readAgentBody, requireCompleteAgent } from './agent-input.ts';

const adk = { agentConfig: 'name: a\ninstruction: hi\n' };

describe('readAgentBody', () => {
  it('accepts snake_case keys as their lowerCamelCase fields', () => {
    expect(readAgentBody({ display_name: 'A', adk_agent_definition: { agent_config: adk.agentConfig }, starter_prompts: [{ text: 'hi' }] })).toEqual({
      displayName: 'A',
      adkAgentDefinition: adk,
      starterPrompts: [{ text: 'hi' }],
    });
  });

  it('ignores output-only fields sent on input', () => {
    expect(readAgentBody({ name: 'x', state: 'ENABLED', createTime: 'now', deployment_failure_reason: 'r', displayName: 'A' })).toEqual({ displayName: 'A' });
  });

  it('maps deprecated authorizations and toolSettings to their replacements', () => {
    expect(readAgentBody({ authorizations: ['auth/a'], toolSettings: { toolDescription: 'Does things' } })).toEqual({
      authorizationConfig: { toolAuthorizations: ['auth/a'] },
      description: 'Does things',
    });
  });

  it('lets the replacement win over the deprecated field', () => {
    expect(readAgentBody({ authorizations: ['old'], authorizationConfig: { toolAuthorizations: ['new'] } }).authorizationConfig).toEqual({ toolAuthorizations: ['new'] });
  });

  it.each([
    [{ unknownField: 1 }, /unknownField/],
    [{ icon: { uri: 'https://x.test/i.png', content: 'aGk=' } }, /exactly one of uri or content/],
    [{ icon: {} }, /exactly one of uri or content/],
    [{ icon: { content: 'not base64!' } }, /base64/],
    [{ a2aAgentDefinition: { jsonAgentCard: '{}', remoteAgentCard: { uri: 'https://x.test/card' } } }, /exactly one of jsonAgentCard or remoteAgentCard/],
    [{ displayName: '  ' }, /displayName must not be empty/],
    [[1], /JSON object/],
    [JSON.parse('{"__proto__": {"displayName": "A"}}'), /Unrecognized key: "__proto__"/],
    [JSON.parse('{"constructor": {}, "to_string": "x"}'), /Unrecognized keys: "constructor", "toString"/],
  ])('refuses %j naming the problem', (body, message) => {
    expect(() => readAgentBody(body)).toThrow(message);
  });
});

describe('requireCompleteAgent', () => {
  it.each([
    [{ description: 'd', adkAgentDefinition: adk }, /displayName/],
    [{ displayName: 'A', adkAgentDefinition: adk }, /description/],
    [{ displayName: 'A', description: 'd' }, /exactly one of adkAgentDefinition/],
    [{ displayName: 'A', description: 'd', adkAgentDefinition: adk, managedAgentDefinition: {} }, /only one definition/],
  ])('refuses %j', (fields, message) => {
    expect(() => requireCompleteAgent(fields)).toThrow(message);
  });

  it('accepts an agent with its required fields and one definition', () => {
    expect(requireCompleteAgent({ displayName: 'A', description: 'd', dialogflowAgentDefinition: {} })).toMatchObject({ displayName: 'A' });
  });

  const complete = { displayName: 'A', description: 'd', adkAgentDefinition: adk };

  it('names each missing required field', () => {
    expect(() => requireCompleteAgent({ adkAgentDefinition: adk })).toThrow('Invalid Agent: displayName: is required; description: is required');
  });

  it('refuses an agent too large to store, naming its largest field', () => {
    const icon = { content: Buffer.alloc(maxAgentJsonBytes).toString('base64') };
    expect(() => requireCompleteAgent({ ...complete, icon })).toThrow(/the limit is 400000 \(the largest field is icon; give icon.uri/);
    expect(requireCompleteAgent({ ...complete, icon: { content: 'aGk=' } }).icon).toEqual({ content: 'aGk=' });
  });
});

describe('errors about an Agent body', () => {
  it('carry the fields at fault as ErrorInfo metadata, unknown ones with their full path', () => {
    const error = (() => {
      try {
        readAgentBody({ displayName: '', colour: 'red', adkAgentDefinition: { agentConfig: 'x', extra: 1 } });
      } catch (caught) {
        return caught as InvalidInputError;
      }
    })();
    expect(error).toMatchObject({ code: 'INVALID_AGENT', metadata: { fields: 'displayName,adkAgentDefinition.extra,colour' } });
  });
});
