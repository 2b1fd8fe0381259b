import { describe, expect, it } from 'vitest';
import { writableFieldNames } from './agent-fields.ts';
import { applyUpdate, parseUpdateMask } from './update-mask.ts';

const current = {
  displayName: 'Old',
  description: 'Old description',
  languageCode: 'en',
  authorizationConfig: { agentAuthorization: 'auth/a', toolAuthorizations: ['auth/t'] },
  adkAgentDefinition: { agentConfig: 'name: a\ninstruction: hi\n' },
};

describe('parseUpdateMask', () => {
  it('reads snake_case and camelCase paths, nested paths and deprecated names', () => {
    expect(parseUpdateMask('display_name, authorizationConfig.agent_authorization,authorizations')).toEqual([
      'displayName',
      'authorizationConfig.agentAuthorization',
      'authorizationConfig.toolAuthorizations',
    ]);
  });

  it('accepts nested paths through message fields, and any path inside the opaque definitions', () => {
    expect(parseUpdateMask('icon.uri,adk_agent_definition.provisioned_reasoning_engine.reasoning_engine,managedAgentDefinition.anything')).toEqual([
      'icon.uri',
      'adkAgentDefinition.provisionedReasoningEngine.reasoningEngine',
      'managedAgentDefinition.anything',
    ]);
  });

  it('expands * to every writable field', () => {
    expect(parseUpdateMask('*')).toEqual(writableFieldNames);
  });

  it.each([
    ['state', /"state" is output only/],
    ['createTime', /output only/],
    ['name', /output only/],
    ['colour', /"colour" is not a field of Agent/],
    ['*,displayName', /cannot be combined/],
    ['icon.colour', /"icon.colour" is not a field of Agent/],
    ['displayName.first', /"displayName.first" is not a field/],
    ['starterPrompts.text', /"starterPrompts.text" is not a field/],
  ])('refuses %s', (mask, message) => {
    expect(() => parseUpdateMask(mask)).toThrow(message);
  });

  // Paths name the resource's own fields; members every JavaScript object inherits are not fields.
  it.each(['constructor', '__proto__', 'toString', 'to_string', 'hasOwnProperty', 'valueOf', 'fields.__proto__', 'displayName.constructor', 'icon.constructor', 'authorizationConfig.toString', 'adkAgentDefinition.__proto__'])(
    'refuses the inherited member path %s as not a field of Agent',
    (mask) => {
      expect(() => parseUpdateMask(mask)).toThrow(`updateMask: "${mask}" is not a field of Agent`);
    },
  );

  it('names every unknown path of a mask in one error', () => {
    expect(() => parseUpdateMask('displayName,constructor,colour')).toThrow('updateMask: "constructor" is not a field of Agent; "colour" is not a field of Agent');
  });

  it('treats an absent or empty mask as no mask', () => {
    expect(parseUpdateMask(undefined)).toBeUndefined();
    expect(parseUpdateMask('')).toBeUndefined();
  });
});

describe('applyUpdate', () => {
  it('without a mask replaces only the fields present in the body', () => {
    expect(applyUpdate(current, { displayName: 'New' }, undefined)).toEqual({ ...current, displayName: 'New' });
  });

  it('clears a listed field that the body does not carry', () => {
    const updated = applyUpdate(current, { displayName: 'New' }, ['displayName', 'languageCode']);
    expect(updated).toEqual({ ...current, displayName: 'New', languageCode: undefined });
    expect('languageCode' in updated).toBe(false);
  });

  it('ignores body fields that the mask does not list', () => {
    expect(applyUpdate(current, { displayName: 'New', description: 'New d' }, ['description'])).toEqual({ ...current, description: 'New d' });
  });

  it('updates one nested field and keeps its siblings', () => {
    expect(applyUpdate(current, { authorizationConfig: {} }, ['authorizationConfig.agentAuthorization']).authorizationConfig).toEqual({
      toolAuthorizations: ['auth/t'],
    });
  });

  it('with * replaces every writable field, clearing the absent ones', () => {
    const body = { displayName: 'N', description: 'D', managedAgentDefinition: {} };
    expect(applyUpdate(current, body, parseUpdateMask('*'))).toEqual(body);
  });

  it('setting one definition clears the other members of the oneof', () => {
    const updated = applyUpdate(current, { a2aAgentDefinition: { jsonAgentCard: '{}' } }, undefined);
    expect(updated.a2aAgentDefinition).toEqual({ jsonAgentCard: '{}' });
    expect(updated.adkAgentDefinition).toBeUndefined();
  });
});
