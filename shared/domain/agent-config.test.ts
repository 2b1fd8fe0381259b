import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  agentDefinitionSchema,
  agentDefinitionVersion,
  parseAgentConfigYaml,
  referencedAgentNames,
  toAgentConfigYaml,
  type AgentDefinition,
} from './agent-config.ts';
import { ConfigValidationError } from './config-problems.ts';
import { InvalidInputError } from './errors.ts';

const availableTools = ['calculator', 'current_time', 'convert_time'];
const options = { fileName: 'agent.yaml', availableTools };
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The lines of the error `parseAgentConfigYaml` throws for `text`. */
function errorLines(text: string, fileName = 'agent.yaml'): string[] {
  try {
    parseAgentConfigYaml(text, { fileName, availableTools });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('INVALID_ARGUMENT');
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the config to be refused');
}

const minimal = 'name: a\ninstruction: x\n';
const base: AgentDefinition = { name: 'a', model: 'gemini-2.5-flash', description: '', instruction: 'x', tools: [] };

describe('parseAgentConfigYaml accepts', () => {
  it.each<[string, string, Partial<AgentDefinition>]>([
    ['name and instruction, with defaults for the rest', minimal, {}],
    ['agent_class LlmAgent', `agent_class: LlmAgent\n${minimal}`, {}],
    ['agent_class by its Python path', `agent_class: google.adk.agents.llm_agent.LlmAgent\n${minimal}`, {}],
    ['an empty agent_class (ADK reads it as LlmAgent)', `agent_class: ""\n${minimal}`, {}],
    ['a name with underscores and digits', 'name: _agent_2\ninstruction: x\n', { name: '_agent_2' }],
    ['an empty instruction', 'name: a\ninstruction: ""\n', { instruction: '' }],
    ['model and description', `${minimal}model: gemini-2.5-pro\ndescription: Helps.\n`, { model: 'gemini-2.5-pro', description: 'Helps.' }],
    ['model null (ADK: default model)', `${minimal}model: null\n`, {}],
    ['tools by name', `${minimal}tools: [calculator, convert_time]\n`, { tools: ['calculator', 'convert_time'] }],
    ['tools as ADK ToolConfig', `${minimal}tools:\n  - name: current_time\n  - name: calculator\n    args: {}\n`, { tools: ['current_time', 'calculator'] }],
    ['tools null', `${minimal}tools: null\n`, {}],
    ['sub_agents empty', `${minimal}sub_agents: []\n`, {}],
    ['transfer flags (no effect without sub-agents)', `${minimal}disallow_transfer_to_parent: true\ndisallow_transfer_to_peers: false\n`, {}],
    ['include_contents default', `${minimal}include_contents: default\n`, {}],
    ['unset code references and empty callback lists', `${minimal}model_code: null\noutput_schema: null\nbefore_model_callbacks: []\nafter_tool_callbacks: null\n`, {}],
    ['generate_content_config', `${minimal}generate_content_config:\n  temperature: 0\n  max_output_tokens: 256\n`, { generateContentConfig: { temperature: 0, maxOutputTokens: 256 } }],
    ['an empty generate_content_config', `${minimal}generate_content_config: {}\n`, {}],
    ['a YAML anchor and alias', 'name: a\ninstruction: &text Be brief.\ndescription: *text\n', { instruction: 'Be brief.', description: 'Be brief.' }],
  ])('%s', (_name, text, expected) => {
    const definition = parseAgentConfigYaml(text, options);
    expect(definition).toEqual({ ...base, ...expected });
    expect(agentDefinitionSchema.parse(definition)).toEqual(definition);
  });
});

describe('parseAgentConfigYaml refuses', () => {
  it.each<[string, string, string[]]>([
    // YAML itself: file name, line and column.
    ['a YAML syntax error', 'name: a\ninstruction: [unclosed\n', ['agent.yaml:3:1: YAML syntax error: ']],
    ['a duplicate key', 'name: a\nname: b\ninstruction: x\n', ['agent.yaml:2:1: YAML syntax error: Map keys must be unique']],
    ['a Python tag (PyYAML safe_load refuses it too)', 'name: a\ninstruction: !!python/object/apply:os.system [ls]\n', ['agent.yaml:2:14: YAML syntax error: Unresolved tag']],
    ['two documents', `${minimal}---\nname: b\n`, ['agent.yaml:3:1: YAML syntax error: Source contains multiple documents']],
    ['an empty file', '', ['agent.yaml: expected a mapping of agent config fields, got null']],
    ['a list at the top', '- name: a\n', ['agent.yaml: expected a mapping of agent config fields, got an array']],
    // Required fields and unknown fields.
    ['no name', 'instruction: x\n', ['agent.yaml: name: is required']],
    ['no instruction (ADK requires it)', 'name: a\n', ['agent.yaml: instruction: is required']],
    ['unknown top-level fields, each named', `${minimal}foo: 1\ninstructions: y\n`, ['agent.yaml: foo: Unknown field', 'agent.yaml: instructions: Unknown field']],
    ['a camelCase field, with a hint', `${minimal}outputKey: answer\n`, ['agent.yaml: outputKey: Unknown field; did you mean "output_key"?']],
    // agent_class and name.
    ['agent_class LoopAgent', `agent_class: LoopAgent\n${minimal}`, ['agent.yaml: agent_class: Not supported: agent_class "LoopAgent"; only LlmAgent is supported for now']],
    ['a custom agent_class', `agent_class: my_pkg.MyAgent\n${minimal}`, ['agent.yaml: agent_class: Not supported: agent_class "my_pkg.MyAgent"; custom agent classes are Python code']],
    ['a name starting with a digit', 'name: 1agent\ninstruction: x\n', ['agent.yaml: name: Found invalid agent name: `1agent`. Agent name must be a valid identifier.']],
    ['a name with a dash', 'name: my-agent\ninstruction: x\n', ['agent.yaml: name: Found invalid agent name: `my-agent`']],
    ['the name user', 'name: user\ninstruction: x\n', ["agent.yaml: name: Agent name cannot be `user`. `user` is reserved for end-user's input."]],
    ['a name that YAML 1.1 reads as a boolean', 'name: yes\ninstruction: x\n', ['agent.yaml: name: expected a string, got a boolean']],
    ['a numeric instruction', 'name: a\ninstruction: 42\n', ['agent.yaml: instruction: expected a string, got a number']],
    ['a model with spaces', `${minimal}model: gemini 2.5\n`, ['agent.yaml: model: expected a model name such as "gemini-2.5-flash", got "gemini 2.5"']],
    // tools.
    ['an unknown tool', `${minimal}tools: [calculator, search]\n`, ['agent.yaml: tools[1]: Unknown tool "search". Available tools: calculator, convert_time, current_time']],
    ['a Python tool path', `${minimal}tools:\n  - name: my_pkg.tools.lookup\n`, ['agent.yaml: tools[0]: Unknown tool "my_pkg.tools.lookup" (Python tools cannot be loaded). Available tools:']],
    ['a tool listed twice', `${minimal}tools: [calculator, {name: calculator}]\n`, ['agent.yaml: tools[1]: Tool "calculator" is listed more than once']],
    ['args for a built-in tool', `${minimal}tools:\n  - name: current_time\n    args: {zone: UTC}\n`, ['agent.yaml: tools[0].args: Not supported: tool "current_time" takes no args']],
    ['a tool entry without name', `${minimal}tools:\n  - args: {}\n`, ['agent.yaml: tools[0].name: is required']],
    ['an unknown key in a tool entry', `${minimal}tools:\n  - name: calculator\n    config: 1\n`, ['agent.yaml: tools[0].config: Unknown field']],
    ['a tool given as a number', `${minimal}tools: [7]\n`, ['agent.yaml: tools[0]: expected a tool name or a mapping {name, args}, got a number']],
    ['tools as a string', `${minimal}tools: calculator\n`, ['agent.yaml: tools: expected a list of tools, got a string']],
    // sub_agents: only registered agents, by resource name (see 'sub_agents entries' below).
    ['sub_agents as a mapping', `${minimal}sub_agents: {agent: x}\n`, ['agent.yaml: sub_agents: expected a list of {agent: <registered agent resource name>} entries, got a mapping']],
    // Other LlmAgentConfig fields.
    ['model_code', `${minimal}model_code: {name: my_pkg.models.llm}\n`, ['agent.yaml: model_code: Not supported: model_code refers to Python code']],
    ['output_schema', `${minimal}output_schema: {name: my_pkg.Answer}\n`, ['agent.yaml: output_schema: Not supported: output_schema refers to Python code']],
    ['output_key', `${minimal}output_key: answer\n`, ['agent.yaml: output_key: Not supported: output_key']],
    ['include_contents none', `${minimal}include_contents: none\n`, ['agent.yaml: include_contents: Not supported: include_contents "none"']],
    ['a callback', `${minimal}before_model_callbacks:\n  - name: my_pkg.callbacks.check\n`, ['agent.yaml: before_model_callbacks: Not supported: callbacks are Python functions']],
    ['static_instruction', `${minimal}static_instruction: Be kind.\n`, ['agent.yaml: static_instruction: Not supported: static_instruction is not implemented yet']],
    ['a transfer flag that is not a boolean', `${minimal}disallow_transfer_to_parent: maybe\n`, ['agent.yaml: disallow_transfer_to_parent: expected a boolean, got a string']],
    // generate_content_config, with full paths.
    ['an unknown generate_content_config key', `${minimal}generate_content_config: {max_tokens: 5}\n`, ['agent.yaml: generate_content_config.max_tokens: Unknown field']],
    ['a temperature out of range', `${minimal}generate_content_config: {temperature: 3}\n`, ['agent.yaml: generate_content_config.temperature: must be from 0 to 2, got 3']],
    ['response_schema', `${minimal}generate_content_config:\n  response_schema: {type: OBJECT}\n`, ['agent.yaml: generate_content_config.response_schema: Response schema must be set via LlmAgent.output_schema']],
  ])('%s', (_name, text, expectedLines) => {
    const lines = errorLines(text);
    expect(lines).toHaveLength(expectedLines.length);
    expectedLines.forEach((expected, index) => expect(lines[index]).toContain(expected));
  });

  it('uses the given file name on every line', () => {
    const lines = errorLines('name: 1x\nfoo: 1\n', 'agents/x.yaml');
    expect(lines.length).toBe(3);
    for (const line of lines) expect(line.startsWith('agents/x.yaml: ')).toBe(true);
  });

  it('keeps the problems structured for field violations', () => {
    try {
      parseAgentConfigYaml('name: a\ninstruction: x\ntools: [search]\n', options);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual([
        { path: 'tools[0]', message: 'Unknown tool "search". Available tools: calculator, convert_time, current_time' },
      ]);
    }
  });
});

const helper = 'projects/p/locations/global/collections/default_collection/engines/e/agents/helper';
const other = 'projects/p/locations/global/collections/default_collection/engines/e/agents/other-2';

describe('sub_agents entries', () => {
  it.each<[string, string, string[]]>([
    ['one registered agent', `- agent: ${helper}\n`, [helper]],
    ['two, in the config order', `- agent: ${other}\n- agent: ${helper}\n`, [other, helper]],
    ['an entry whose other forms are null', `- {agent: ${helper}, config_path: null, code: null}\n`, [helper]],
  ])('accepts %s', (_name, entries, expected) => {
    const definition = parseAgentConfigYaml(`${minimal}sub_agents:\n${entries}`, options);
    expect(definition.subAgents).toEqual(expected);
    expect(referencedAgentNames(definition)).toEqual(expected);
  });

  it('leaves subAgents out when the list is empty or null, so older definitions keep their version', () => {
    for (const text of [`${minimal}sub_agents: []\n`, `${minimal}sub_agents: null\n`, minimal]) {
      const definition = parseAgentConfigYaml(text, options);
      expect('subAgents' in definition).toBe(false);
      expect(referencedAgentNames(definition)).toEqual([]);
    }
  });

  it.each<[string, string, string[]]>([
    ['a config_path (ADK config file)', '- config_path: helper.yaml\n', ['sub_agents[0].config_path: Not supported: config_path sub-agents (another ADK config file) cannot be loaded; register the sub-agent as its own agent and list it as `- agent: projects/{project}/locations/{location}/collections/{collection}/engines/{engine}/agents/{agent}`']],
    ['a code reference (Python)', '- code: my_pkg.agents.helper\n', ['sub_agents[0].code: Not supported: code refers to Python code, which agentline cannot load; register the sub-agent as its own agent']],
    ['an agent that is not a resource name', '- agent: helper_agent\n', ['sub_agents[0].agent: expected a registered agent\'s resource name projects/{project}/locations/{location}/collections/{collection}/engines/{engine}/agents/{agent}, got "helper_agent"']],
    ['an agent given as a number', '- agent: 7\n', ['sub_agents[0].agent: expected a string, got a number']],
    ['an agent listed twice', `- agent: ${helper}\n- agent: ${helper}\n`, [`sub_agents[1]: Sub-agent ${helper} is listed more than once`]],
    ['two forms in one entry', `- {agent: ${helper}, config_path: a.yaml}\n`, ['sub_agents[0]: Only one of `agent`, `config_path` or `code` should be provided, got agent and config_path']],
    ['an empty entry', '- {}\n', ['sub_agents[0]: Exactly one of `agent`, `config_path` or `code` must be provided']],
    ['an unknown key', `- {agent: ${helper}, name: helper}\n`, ['sub_agents[0].name: Unknown field']],
    ['a bare string', `- ${helper}\n`, ['sub_agents[0]: expected a mapping {agent: <registered agent resource name>}, got a string']],
  ])('refuses %s', (_name, entries, expectedLines) => {
    const lines = errorLines(`${minimal}sub_agents:\n${entries}`);
    expect(lines).toEqual(expectedLines.map((line) => expect.stringContaining(`agent.yaml: ${line}`)));
  });

  it('writes sub-agents back as agent entries that parse to the same definition', () => {
    const definition = parseAgentConfigYaml(`${minimal}sub_agents:\n- agent: ${helper}\n`, options);
    expect(toAgentConfigYaml(definition)).toContain(`sub_agents:\n  - agent: ${helper}`);
    expect(parseAgentConfigYaml(toAgentConfigYaml(definition), options)).toEqual(definition);
  });
});

describe('fixtures', () => {
  it('parses the full valid fixture', () => {
    expect(parseAgentConfigYaml(fixture('valid-full.yaml'), { fileName: 'valid-full.yaml', availableTools })).toEqual({
      name: 'full_agent',
      model: 'gemini-2.5-pro',
      description: 'Exercises every accepted field.',
      instruction: 'Use the tools.\nBe exact.\n',
      tools: ['calculator', 'current_time', 'convert_time'],
      generateContentConfig: {
        temperature: 0.2,
        topP: 0.95,
        topK: 40,
        candidateCount: 1,
        maxOutputTokens: 2048,
        stopSequences: ['END'],
        presencePenalty: -0.5,
        frequencyPenalty: 1.5,
        seed: 42,
        responseMimeType: 'text/plain',
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
        safetySettings: [
          { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_ONLY_HIGH' },
          { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_MEDIUM_AND_ABOVE', method: 'SEVERITY' },
        ],
      },
    });
  });

  it('parses the minimal valid fixture', () => {
    expect(parseAgentConfigYaml(fixture('valid-minimal.yaml'), options)).toEqual({ ...base, name: 'minimal_agent', instruction: 'Answer briefly.' });
  });

  it.each<[string, string[]]>([
    ['invalid-syntax.yaml', ['invalid-syntax.yaml:5:1: YAML syntax error: Missing closing "quote']],
    [
      'invalid-many-problems.yaml',
      [
        'invalid-many-problems.yaml: instructions: Unknown field',
        'invalid-many-problems.yaml: outputKey: Unknown field; did you mean "output_key"?',
        'invalid-many-problems.yaml: name: Found invalid agent name: `2fast`.',
        'invalid-many-problems.yaml: tools[1]: Unknown tool "search". Available tools: calculator, convert_time, current_time',
        'invalid-many-problems.yaml: tools[2].args: Not supported: tool "current_time" takes no args',
        'invalid-many-problems.yaml: generate_content_config.max_tokens: Unknown field',
        'invalid-many-problems.yaml: generate_content_config.temperature: must be from 0 to 2, got 3',
        'invalid-many-problems.yaml: generate_content_config.response_schema: Response schema must be set via LlmAgent.output_schema',
        'invalid-many-problems.yaml: instruction: is required',
      ],
    ],
    [
      'invalid-sub-agents.yaml',
      [
        'invalid-sub-agents.yaml: sub_agents[0].config_path: Not supported: config_path sub-agents (another ADK config file) cannot be loaded; register the sub-agent as its own agent and list it as `- agent: projects/',
        'invalid-sub-agents.yaml: sub_agents[1].code: Not supported: code refers to Python code, which agentline cannot load; register the sub-agent',
      ],
    ],
    ['invalid-agent-class.yaml', ['invalid-agent-class.yaml: agent_class: Not supported: agent_class "SequentialAgent"; only LlmAgent is supported for now']],
  ])('refuses %s with every problem', (name, expectedLines) => {
    const lines = errorLines(fixture(name), name);
    expect(lines).toHaveLength(expectedLines.length);
    expectedLines.forEach((expected, index) => expect(lines[index]).toContain(expected));
  });
});

describe('the travel-calculator example', () => {
  it('is a valid agent config', () => {
    const text = readFileSync(new URL('../../examples/travel-calculator/agent.yaml', import.meta.url), 'utf8');
    const definition = parseAgentConfigYaml(text, { fileName: 'examples/travel-calculator/agent.yaml', availableTools });
    expect(definition).toMatchObject({
      name: 'travel_calculator',
      model: 'gemini-2.5-flash',
      tools: ['calculator', 'current_time', 'convert_time'],
      generateContentConfig: { temperature: 0 },
    });
    expect(definition.instruction).toContain('calculator');
    expect(definition.instruction).toContain('convert_time');
  });
});

describe('round trip and version', () => {
  const tricky: AgentDefinition = {
    name: '_tricky',
    model: 'gemini-2.5-flash',
    // Plain scalars that YAML 1.1 would read as a boolean and a sexagesimal number.
    description: 'yes',
    instruction: '9:30\nthen {not a placeholder}: "quoted" # not a comment',
    tools: ['convert_time', 'calculator'],
    generateContentConfig: { temperature: 0, thinkingConfig: { thinkingBudget: -1 }, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }] },
  };

  it.each<[string, AgentDefinition]>([
    ['the full fixture', parseAgentConfigYaml(fixture('valid-full.yaml'), options)],
    ['a definition with YAML-tricky strings', tricky],
    ['a definition without generation config', base],
  ])('%s survives toAgentConfigYaml → parseAgentConfigYaml and JSON unchanged', (_name, definition) => {
    expect(parseAgentConfigYaml(toAgentConfigYaml(definition), options)).toEqual(definition);
    expect(agentDefinitionSchema.parse(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
    expect(agentDefinitionVersion(parseAgentConfigYaml(toAgentConfigYaml(definition), options))).toBe(agentDefinitionVersion(definition));
  });

  it('gives 16 hex digits that ignore key order and change with content', () => {
    const version = agentDefinitionVersion(tricky);
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    const reordered = JSON.parse(JSON.stringify(tricky, Object.keys(tricky).reverse())) as AgentDefinition;
    expect(agentDefinitionVersion({ ...reordered, generateContentConfig: tricky.generateContentConfig })).toBe(version);
    expect(agentDefinitionVersion({ ...tricky, generateContentConfig: undefined })).toBe(agentDefinitionVersion((({ generateContentConfig: _omit, ...rest }) => rest)(tricky)));
    expect(agentDefinitionVersion({ ...tricky, instruction: `${tricky.instruction}.` })).not.toBe(version);
    expect(agentDefinitionVersion({ ...tricky, tools: ['calculator', 'convert_time'] })).not.toBe(version);
  });

  it('is pinned for a known definition, so stored versions never drift silently', () => {
    // printf '%s' '{"description":"","instruction":"x","model":"gemini-2.5-flash","name":"a","tools":[]}' | sha256sum
    expect(agentDefinitionVersion(base)).toBe('7931fc65b334535f');
  });
});
