import { describe, expect, it } from 'vitest';
import { maxFunctionNameLength, sanitizeFunctionName, subAgentToolNames } from './sub-agent-tool-name.ts';

const agent = (id: string) => `projects/p/locations/global/collections/c/engines/e/agents/${id}`;
const geminiFunctionName = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

describe('sanitizeFunctionName', () => {
  it.each([
    ['helper', 'helper'],
    ['travel-helper', 'travel_helper'],
    ['2fast', '_2fast'],
    ['a.b:c d', 'a_b_c_d'],
    ['', '_'],
    ['x'.repeat(80), 'x'.repeat(maxFunctionNameLength)],
  ])('turns %j into %j', (text, expected) => {
    expect(sanitizeFunctionName(text)).toBe(expected);
    expect(sanitizeFunctionName(text)).toMatch(geminiFunctionName);
  });
});

describe('subAgentToolNames', () => {
  it('names each sub-agent after its agent id', () => {
    expect(subAgentToolNames([agent('weather-bot'), agent('echo')], ['calculator'])).toEqual(['weather_bot', 'echo']);
  });

  it('never takes a built-in tool name', () => {
    expect(subAgentToolNames([agent('calculator')], ['calculator', 'current_time'])).toEqual(['calculator_2']);
  });

  it('keeps names unique when two ids sanitize alike', () => {
    expect(subAgentToolNames([agent('a-b'), agent('a_b'), agent('a.b')], [])).toEqual(['a_b', 'a_b_2', 'a_b_3']);
  });

  it('stays within 64 characters with a suffix', () => {
    const long = 'y'.repeat(70);
    const [first, second] = subAgentToolNames([agent(long), `projects/q/locations/l/collections/c/engines/e/agents/${long}`], []);
    expect(first).toBe('y'.repeat(64));
    expect(second).toBe(`${'y'.repeat(62)}_2`);
    expect(second).toMatch(geminiFunctionName);
  });
});
