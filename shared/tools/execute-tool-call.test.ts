import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../domain/errors.ts';
import { builtinTools } from './builtin-tools.ts';
import { calculatorTool } from './calculator.ts';
import { convertTimeTool } from './convert-time.ts';
import { currentTimeTool } from './current-time.ts';
import { executeToolCall, unknownToolResult } from './execute-tool-call.ts';
import { createLedgerTool, Ledger } from '../testing/ledger.ts';
import type { ImmediateTool } from './tool.ts';
import { OutputWithFiles, ToolFailure } from './tool.ts';

const context = { runId: 'run-1', stepId: 'step-1', attempt: 1, idempotencyKey: 'run-1/step-1', deadline: Number.MAX_SAFE_INTEGER, now: () => Date.parse('2026-03-29T00:30:00Z') };

// A tool whose execute throws the given error, to see what escapes executeToolCall.
function throwingTool(error: unknown): ImmediateTool<{ query: string }> {
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

  it('returns the files a tool saved beside its output, for the model to be shown', async () => {
    const chart = { name: 'chart.png', version: 2, contentType: 'image/png' };
    const drawing: ImmediateTool<{ title: string }> = {
      name: 'draw',
      description: 'Draws.',
      inputSchema: z.object({ title: z.string() }),
      repeatable: true,
      execute: async ({ title }) => new OutputWithFiles({ drawn: title }, [chart]),
    };
    await expect(executeToolCall(drawing, { title: 'sales' }, context)).resolves.toEqual({ output: { drawn: 'sales' }, files: [chart] });
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

describe('executeToolCall with a non-repeatable tool', () => {
  async function book(ledger: Ledger, args: unknown, priorIntent: boolean) {
    return executeToolCall(createLedgerTool(ledger) as ImmediateTool, args, context, priorIntent);
  }

  it('acts without asking the ledger on a first attempt', async () => {
    const ledger = new Ledger();
    await book(ledger, { account: 'a', amount: 1 }, false);
    await book(ledger, { account: 'a', amount: 1 }, false);
    expect(ledger.countsByKey().get('run-1/step-1')).toBe(2);
  });

  it('returns the recorded output instead of acting again when an earlier attempt booked', async () => {
    const ledger = new Ledger();
    await ledger.book('run-1/step-1', 'a', 5);
    await expect(book(ledger, { account: 'a', amount: 5 }, true)).resolves.toEqual({ output: { status: 'booked', account: 'a', amount: 5 } });
    expect(ledger.entries).toHaveLength(1);
  });

  it('acts when an earlier attempt left an intent but no booking', async () => {
    const ledger = new Ledger();
    await book(ledger, { account: 'a', amount: 5 }, true);
    expect(ledger.entries.map((entry) => entry.key)).toEqual(['run-1/step-1']);
  });

  it('neither reconciles nor acts on bad arguments', async () => {
    const ledger = new Ledger();
    await expect(book(ledger, { account: '' }, true)).resolves.toMatchObject({ error: expect.stringMatching(/^Invalid arguments for book_payment/) });
    expect(ledger.entries).toHaveLength(0);
  });

  it('shows a ToolFailure from the lookup to the model rather than acting', async () => {
    const tool: ImmediateTool = {
      ...createLedgerTool(new Ledger()),
      reconcile: async () => {
        throw new ToolFailure('the ledger cannot tell');
      },
      execute: async () => {
        throw new Error('must not act');
      },
    };
    await expect(executeToolCall(tool, { account: 'a', amount: 1 }, context, true)).resolves.toEqual({ error: 'the ledger cannot tell' });
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
