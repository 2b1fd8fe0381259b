import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfigYaml } from '../shared/domain/agent-config.ts';
import { readAgentConfigFile } from './read-agent-config-file.ts';

async function configDirectory(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'agentline-config-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(directory, name, '..'), { recursive: true });
    await writeFile(join(directory, name), text);
  }
  return directory;
}

describe('reading an agent config file', () => {
  it("sends each OpenAPIToolset's spec_path inline, read beside the config, as JSON or YAML by its extension", async () => {
    const config = 'name: a\ninstruction: x\ntools:\n  - calculator\n  - name: OpenAPIToolset\n    args:\n      spec_path: specs/pets.yaml\n      tool_filter: [listPets]\n  - name: OpenAPIToolset\n    args: {spec_path: shop.json}\n';
    const directory = await configDirectory({ 'agents/agent.yaml': config, 'agents/specs/pets.yaml': 'openapi: 3.0.3\n', 'agents/shop.json': '{"openapi":"3.1.0"}' });
    const text = await readAgentConfigFile(join(directory, 'agents/agent.yaml'), 'agent');
    expect(parseAgentConfigYaml(text, { fileName: 'agent.yaml', availableTools: ['calculator'] }).openApiToolsets).toEqual([
      { source: { specStr: 'openapi: 3.0.3\n', specStrType: 'yaml' }, toolFilter: ['listPets'] },
      { source: { specStr: '{"openapi":"3.1.0"}', specStrType: 'json' } },
    ]);
  });

  it('returns a config without spec_path exactly as written, and names a spec_path it cannot read', async () => {
    const plain = '# comments stay\nname: a\ninstruction: x\ntools: [calculator]\n';
    const directory = await configDirectory({ 'plain.yaml': plain, 'missing.yaml': 'name: a\ninstruction: x\ntools:\n  - name: OpenAPIToolset\n    args: {spec_path: nowhere.yaml}\n' });
    expect(await readAgentConfigFile(join(directory, 'plain.yaml'), 'agent')).toBe(plain);
    await expect(readAgentConfigFile(join(directory, 'missing.yaml'), 'agent')).rejects.toThrow(`Cannot read tools[0].args.spec_path file ${join(directory, 'nowhere.yaml')}`);
  });
});
