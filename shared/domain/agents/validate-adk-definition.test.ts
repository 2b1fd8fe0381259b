import { describe, expect, it } from 'vitest';
import { adkDeploymentProblem } from './validate-adk-definition.ts';

const check = (model: string) =>
  adkDeploymentProblem(`name: a\ninstruction: hi\nmodel: "${model}"\n`, { availableTools: ['calculator'], subAgentProblem: async () => undefined });

describe('adkDeploymentProblem', () => {
  it.each(['gemini-2.5-flash', 'models/gemini-2.5-pro', 'publishers/google/models/gemini-2.0-flash-001', 'projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash'])(
    'accepts the model name %s',
    async (model) => {
      expect(await check(model)).toBeUndefined();
    },
  );

  it.each(['gemini-2.5-flash!', 'Gemini', 'models/', '../gemini', 'models/gemini/../../x'])('refuses the model name %s', async (model) => {
    expect(await check(model)).toMatch(/not a well-formed model name|model/);
  });

  it('reports each sub-agent it may not call, with its index', async () => {
    const config = 'name: a\ninstruction: hi\nsub_agents:\n  - agent: projects/p/locations/l/collections/c/engines/e/agents/ok\n  - agent: projects/p/locations/l/collections/c/engines/e/agents/gone\n';
    const problem = await adkDeploymentProblem(config, {
      availableTools: [],
      subAgentProblem: async (name) => (name.endsWith('/gone') ? `${name} is not a registered agent` : undefined),
    });
    expect(problem).toBe('adkAgentDefinition.agentConfig: sub_agents[1]: projects/p/locations/l/collections/c/engines/e/agents/gone is not a registered agent');
  });

  it('reports an unknown tool with the field path', async () => {
    expect(await adkDeploymentProblem('name: a\ninstruction: hi\ntools: [search]\n', { availableTools: ['calculator'], subAgentProblem: async () => undefined })).toMatch(
      /adkAgentDefinition\.agentConfig: tools\[0\]: Unknown tool "search"/,
    );
  });
});
