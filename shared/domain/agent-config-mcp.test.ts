import { describe, expect, it } from 'vitest';
import { parseAgentConfigYaml, toAgentConfigYaml } from './agent-config.ts';

const options = { fileName: 'agent.yaml', availableTools: ['calculator'] };
const agent = (tools: string) => `name: a\ninstruction: x\ntools:\n${tools}`;

describe('MCPToolset entries of an agent config', () => {
  it('reads ADK stdio_server_params, stdio_connection_params and streamable_http_connection_params, with tool_filter, tool_name_prefix and auth', () => {
    const definition = parseAgentConfigYaml(
      agent(
        '  - calculator\n' +
          '  - name: MCPToolset\n    args:\n      stdio_server_params: {command: npx, args: [-y, some-server], env: {LEVEL: "2"}}\n      tool_filter: [read_file]\n' +
          '  - name: google.adk.tools.mcp_tool.MCPToolset\n    args:\n      stdio_connection_params: {server_params: {command: node, args: [server.js]}, timeout: 5}\n' +
          '  - name: MCPToolset\n    args:\n      streamable_http_connection_params: {url: "https://mcp.example.com/mcp", headers: {X-Team: blue}}\n      tool_name_prefix: ex\n      auth: {authorization: projects/p/locations/global/authorizations/ex, scheme: bearer}\n',
      ),
      options,
    );
    expect(definition.tools).toEqual(['calculator']);
    expect(definition.mcpToolsets).toEqual([
      { connection: { transport: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { LEVEL: '2' } }, toolFilter: ['read_file'] },
      { connection: { transport: 'stdio', command: 'node', args: ['server.js'] } },
      {
        connection: { transport: 'streamable_http', url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'blue' } },
        toolNamePrefix: 'ex',
        auth: { authorization: 'projects/p/locations/global/authorizations/ex', scheme: 'bearer' },
      },
    ]);
    expect(parseAgentConfigYaml(toAgentConfigYaml(definition), options)).toEqual(definition);
  });

  it('refuses an entry naming no server, two servers, auth on a stdio server, or a URL that is not http(s), naming each', () => {
    const problems = (tools: string) => {
      try {
        parseAgentConfigYaml(agent(tools), options);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problems('  - name: MCPToolset\n    args: {tool_filter: [a]}\n')).toContain('tools[0].args: exactly one of stdio_server_params, stdio_connection_params, streamable_http_connection_params is required');
    expect(problems('  - name: MCPToolset\n    args: {stdio_server_params: {command: a}, streamable_http_connection_params: {url: "https://x"}}\n')).toContain(
      'got stdio_server_params and streamable_http_connection_params',
    );
    expect(problems('  - name: MCPToolset\n    args: {stdio_server_params: {command: a}, auth: {authorization: x, scheme: bearer}}\n')).toContain('tools[0].args.auth: is for streamable_http_connection_params');
    expect(problems('  - name: MCPToolset\n    args: {streamable_http_connection_params: {url: "ftp://x.example/mcp"}}\n')).toContain('tools[0].args.url');
  });

  it('refuses headers that carry a credential or that the protocol sets, naming the header', () => {
    const problem = (headers: string) => {
      try {
        parseAgentConfigYaml(agent(`  - name: MCPToolset\n    args: {streamable_http_connection_params: {url: "https://x.example/mcp", headers: {${headers}}}}\n`), options);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem('Authorization: "Bearer abc"')).toContain('Authorization carries a credential: give it as auth');
    expect(problem('cookie: "s=1"')).toContain('cookie carries a credential');
    expect(problem('Mcp-Session-Id: "x"')).toContain('Mcp-Session-Id is set by HTTP or MCP itself');
    expect(problem('Host: "internal"')).toContain('Host is set by HTTP or MCP itself');
    expect(problem('X-Team: blue')).toBe('');
  });

  it('refuses a tool_filter naming a tool twice, naming it', () => {
    const yaml = agent('  - name: MCPToolset\n    args: {streamable_http_connection_params: {url: "https://x.example/mcp"}, tool_filter: [a, b, a]}\n');
    expect(() => parseAgentConfigYaml(yaml, options)).toThrow(/tools\[0\]\.args\.tool_filter: names a twice/);
  });
});
