import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../domain/errors.ts';
import { builtinToolNames, builtinTools, describedBuiltinTools, resolveTools } from './builtin-tools.ts';

describe('resolveTools', () => {
  it('returns the named tools in the order the config lists them', () => {
    expect(resolveTools(['current_time', 'calculator']).map((tool) => tool.name)).toEqual([
      'current_time',
      'calculator',
    ]);
  });

  it('returns no tools for an empty list', () => {
    expect(resolveTools([])).toEqual([]);
  });

  it('rejects an unknown name with InvalidInputError listing the available tools, sorted', () => {
    const call = () => resolveTools(['calculator', 'web_search']);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow('Unknown tool "web_search". Available tools: calculator, convert_time, current_time');
  });

  it('resolves against the tools it is given instead of the built-in ones', () => {
    const [calculator] = builtinTools;
    expect(() => resolveTools(['current_time'], [calculator!])).toThrow(
      'Unknown tool "current_time". Available tools: calculator',
    );
  });
});

describe('builtinTools', () => {
  it('offers the calculator, both time tools, code execution, charts and the browser under unique snake_case names', () => {
    expect(builtinToolNames).toEqual(['browse', 'calculator', 'convert_time', 'current_time', 'execute_code', 'render_chart']);
    expect(new Set(builtinTools.map((tool) => tool.name)).size).toBe(builtinTools.length);
  });

  it('describes for the catalogue exactly the built-ins an agent config may name', () => {
    expect(describedBuiltinTools().map((tool) => tool.name).sort()).toEqual(builtinToolNames);
  });
});
