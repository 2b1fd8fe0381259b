import { describe, expect, it } from 'vitest';
import { parseAgentConfigYaml, toAgentConfigYaml } from './agent-config.ts';

const options = { fileName: 'agent.yaml', availableTools: ['calculator'] };
const agent = (tools: string) => `name: a\ninstruction: x\ntools:\n${tools}`;

describe('OpenAPIToolset entries of an agent config', () => {
  it('reads ADK spec_str with spec_str_type, tool_filter, tool_name_prefix and auth, beside built-in tools', () => {
    const definition = parseAgentConfigYaml(
      agent(
        '  - calculator\n' +
          '  - name: OpenAPIToolset\n    args:\n      spec_str: "openapi: 3.0.3"\n      spec_str_type: yaml\n      tool_filter: [listPets]\n      tool_name_prefix: pets\n' +
          '      auth: {authorization: projects/p/locations/global/authorizations/pets, scheme: api_key, in: header, name: X-Api-Key}\n' +
          '  - name: google.adk.tools.openapi_tool.OpenAPIToolset\n    args: {spec_url: "https://api.example.com/openapi.json"}\n',
      ),
      options,
    );
    expect(definition.tools).toEqual(['calculator']);
    expect(definition.openApiToolsets).toEqual([
      {
        source: { specStr: 'openapi: 3.0.3', specStrType: 'yaml' },
        toolFilter: ['listPets'],
        toolNamePrefix: 'pets',
        auth: { authorization: 'projects/p/locations/global/authorizations/pets', scheme: 'api_key', in: 'header', name: 'X-Api-Key' },
      },
      { source: { specUrl: 'https://api.example.com/openapi.json' } },
    ]);
    expect(parseAgentConfigYaml(toAgentConfigYaml(definition), options)).toEqual(definition);
  });

  it('reads spec_dict, a document written as YAML in the config, as JSON text', () => {
    const definition = parseAgentConfigYaml(agent('  - name: OpenAPIToolset\n    args:\n      spec_dict: {openapi: 3.0.3}\n'), options);
    expect(definition.openApiToolsets).toEqual([{ source: { specStr: '{"openapi":"3.0.3"}', specStrType: 'json' } }]);
  });

  it('leaves openApiToolsets out when there are none', () => {
    expect(parseAgentConfigYaml(agent('  - calculator\n'), options)).not.toHaveProperty('openApiToolsets');
  });

  it.each([
    ['no args', '  - name: OpenAPIToolset\n', 'agent.yaml: tools[0].args: OpenAPIToolset needs args with spec_str, spec_dict or spec_url, got null'],
    ['two sources', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", spec_url: "https://a.example.com/o.json"}\n', 'tools[0].args: exactly one of spec_str, spec_dict or spec_url is required, got spec_str and spec_url'],
    ['spec_path', '  - name: OpenAPIToolset\n    args: {spec_path: o.yaml}\n', 'tools[0].args.spec_path: is read by the agentline CLI'],
    ['an unknown arg', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", server: x}\n', 'tools[0].args.server: Unknown field'],
    ['a bad spec_str_type', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", spec_str_type: xml}\n', 'tools[0].args.spec_str_type: expected "json" or "yaml", got "xml"'],
    ['a spec_url that is not http', '  - name: OpenAPIToolset\n    args: {spec_url: "file:///etc/passwd"}\n', 'tools[0].args.spec_url:'],
    ['an empty tool_filter', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", tool_filter: []}\n', 'tools[0].args.tool_filter:'],
    ['an unknown auth scheme', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", auth: {authorization: a, scheme: basic}}\n', 'tools[0].args.auth.scheme:'],
    ['an api key without its place', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", auth: {authorization: a, scheme: api_key}}\n', 'tools[0].args.auth.in:'],
    ['an oauth2 scheme without token_url', '  - name: OpenAPIToolset\n    args: {spec_str: "{}", auth: {authorization: a, scheme: oauth2_client_credentials, client_id: c}}\n', 'tools[0].args.auth.token_url:'],
  ])('refuses %s', (_case, tools, message) => {
    expect(() => parseAgentConfigYaml(agent(tools), options)).toThrow(message);
  });
});
