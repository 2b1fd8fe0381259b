import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../domain/errors.ts';
import { builtinTools } from './builtin-tools.ts';
import { calculatorTool } from './calculator.ts';
import { convertTimeTool } from './convert-time.ts';
import { currentTimeTool } from './current-time.ts';
import { executeToolCall, unknownToolResult } from './execute-tool-call.ts';
import type { Tool } from './tool.ts';

const context = { runId: 'run-1', stepId: 'step-1', attempt: 1, now: () => Date.parse('2026-03-29T00:30:00Z') };

// A tool whose execute throws the given error, to see what escapes executeToolCall.
function throwingTool(error: unknown): Tool<{ query: string }> {
  return {
    name: 'lookup',
    description: 'Looks something up.',
    inputSchema: z.object({ query: z.string() }),
    repeatable: true,
    execute: async () => {
      throw error;
    },
  };
}

describe('executeToolCall', () => {
  it('returns the output of a valid call', async () => {
    await expect(executeToolCall(calculatorTool, { expression: '10/4' }, context)).resolves.toEqual({
      output: { result: '2.5' },
    });
  });

  it.each([
    [calculatorTool, {}, 'Invalid arguments for calculator: expression: expected string, received undefined'],
    [calculatorTool, { expression: 42 }, 'Invalid arguments for calculator: expression: expected string, received number'],
    [calculatorTool, null, 'Invalid arguments for calculator: expected object, received null'],
    [
      convertTimeTool,
      { time: '09:30' },
      'Invalid arguments for convert_time: from_timezone: expected string, received undefined; ' +
        'to_timezone: expected string, received undefined',
    ],
  ])('reports bad arguments to the model, naming the field (%#)', async (tool, args, error) => {
    await expect(executeToolCall(tool, args, context)).resolves.toEqual({ error });
  });

  it('runs the tool on the validated arguments, with defaults applied', async () => {
    await expect(executeToolCall(currentTimeTool, {}, context)).resolves.toMatchObject({
      output: { timezone: 'UTC', datetime: '2026-03-29T00:30:00+00:00' },
    });
  });

  it('turns a ToolFailure into an error result the model can read', async () => {
    await expect(executeToolCall(calculatorTool, { expression: '1/0' }, context)).resolves.toEqual({
      error: 'Division by zero in 1 / 0',
    });
  });

  it('re-throws a TransientError unchanged so the step is retried', async () => {
    const cause = new Error('socket hang up');
    const transient = new TransientError('lookup service unavailable', { cause });
    const thrown = await executeToolCall(throwingTool(transient), { query: 'x' }, context).catch((error: unknown) => error);
    expect(thrown).toBe(transient);
    expect((thrown as TransientError).cause).toBe(cause);
  });

  it('re-throws an unexpected error unchanged instead of showing it to the model', async () => {
    const bug = new TypeError('Cannot read properties of undefined');
    await expect(executeToolCall(throwingTool(bug), { query: 'x' }, context)).rejects.toBe(bug);
  });
});

describe('unknownToolResult', () => {
  it('tells the model which tools it does have', () => {
    expect(unknownToolResult('web_search', builtinTools)).toEqual({
      error: 'Unknown tool "web_search". Available tools: calculator, convert_time, current_time',
    });
  });

  it('says so when the agent has no tools at all', () => {
    expect(unknownToolResult('calculator', [])).toEqual({ error: 'Unknown tool "calculator". Available tools: (none)' });
  });
});
