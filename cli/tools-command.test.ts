import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../shared/testing/temp-folder.ts';
import { petstoreDocument } from '../shared/testing/petstore-openapi.ts';
import { runToolsCommand } from './tools-command.ts';

async function list(args: string[]) {
  let text = '';
  const code = await runToolsCommand(['list', ...args], (written) => (text += written));
  return { code, text };
}

const travel = 'projects/acme/locations/global/collections/default_collection/engines/e1/agents/travel-helper';

describe('agentline tools list', () => {
  it('lists every built-in with its repeatability when given no agent', async () => {
    const { code, text } = await list(['--json']);
    expect(code).toBe(0);
    const tools = (JSON.parse(text) as { tools: { name: string; source: string; repeatability: string; authorization: string }[] }).tools;
    expect(tools.map((tool) => [tool.name, tool.repeatability])).toEqual([
      ['browse', 'once per call'],
      ['calculator', 'repeatable'],
      ['convert_time', 'repeatable'],
      ['current_time', 'repeatable'],
      ['execute_code', 'once per call, followed to its end'],
      ['render_chart', 'repeatable'],
    ]);
    expect(new Set(tools.map((tool) => `${tool.source} ${tool.authorization}`))).toEqual(new Set(['built-in none']));
  });

  it("lists an agent file's tools in its order, then its sub-agents under the names a run gives them, as a table", async () => {
    const path = join(await tempFolder('agentline-tools'), 'agent.yaml');
    await writeFile(path, `name: planner\ninstruction: Plan.\ntools: [render_chart, calculator]\nsub_agents:\n  - agent: ${travel}\n`);
    const { code, text } = await list([path]);
    expect(code).toBe(0);
    expect(text.split('\n').filter((line) => !line.startsWith('    '))).toEqual([
      'tool           source     repeatability                       authorization',
      'render_chart   built-in   repeatable                          none',
      'calculator     built-in   repeatable                          none',
      `travel_helper  sub-agent  once per call, followed to its end  the run's user may use ${travel}`,
      '',
    ]);
    expect(text).toContain('    Draws a chart from a Vega-Lite specification with inline data and returns it as an image you can see;');
  });

  it("lists an OpenAPI toolset's operations from the document beside the file: GET repeatable, POST once per call, with its authorization", async () => {
    const folder = await tempFolder('agentline-tools');
    await writeFile(join(folder, 'petstore.json'), JSON.stringify(petstoreDocument('https://pets.example/v1')));
    const auth = 'projects/p/locations/global/authorizations/pets';
    await writeFile(join(folder, 'agent.yaml'), `name: shop\ninstruction: Sell.\ntools:\n  - calculator\n  - name: OpenAPIToolset\n    args: {spec_path: petstore.json, tool_filter: [listPets, createPet], auth: {authorization: ${auth}, scheme: bearer}}\n`);
    const tools = (JSON.parse((await list([join(folder, 'agent.yaml'), '--json'])).text) as { tools: Record<string, string>[] }).tools;
    expect(tools.map((tool) => [tool.name, tool.source, tool.repeatability, tool.authorization])).toEqual([
      ['calculator', 'built-in', 'repeatable', 'none'],
      ['list_pets', 'OpenAPI', 'repeatable', `bearer from ${auth}`],
      ['create_pet', 'OpenAPI', 'once per call', `bearer from ${auth}`],
    ]);
    expect(tools[1]!['description']).toBe('GET https://pets.example/v1/stores/{storeId}/pets. List the pets of a store');
  });

  it("lists an MCP toolset's tools as its stdio server gives them now, repeatable only where it says it reads", async () => {
    const folder = await tempFolder('agentline-tools');
    const script = fileURLToPath(new URL('../shared/testing/mcp-stdio-test-server.ts', import.meta.url));
    await writeFile(join(folder, 'agent.yaml'), `name: notes\ninstruction: Note.\ntools:\n  - name: MCPToolset\n    args:\n      stdio_server_params: {command: "${process.execPath}", args: ["${script}"]}\n`);
    const tools = (JSON.parse((await list([join(folder, 'agent.yaml'), '--json'])).text) as { tools: Record<string, string>[] }).tools;
    expect(tools.map((tool) => [tool.name, tool.source, tool.repeatability, tool.authorization])).toEqual([
      ['get_forecast', 'MCP', 'repeatable', 'none'],
      ['add_note', 'MCP', 'once per call', 'none'],
      ['refuse', 'MCP', 'once per call', 'none'],
    ]);
    expect(tools[0]!['description']).toBe(`get_forecast on stdio ${process.execPath}. The weather forecast for a city.`);
  });

  it('refuses an agent file naming a tool this version does not have, as a run would', async () => {
    const path = join(await tempFolder('agentline-tools'), 'agent.yaml');
    await writeFile(path, 'name: planner\ninstruction: Plan.\ntools: [web_search]\n');
    await expect(list([path])).rejects.toThrow(/Unknown tool "web_search"/);
  });
});
