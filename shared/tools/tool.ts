import type { z } from 'zod';

export interface ToolContext {
  runId: string;
  stepId: string;
  /** Attempt number of this tool step (1 on first delivery). */
  attempt: number;
  now(): number;
}

/**
 * A tool is data: a snake_case name, a description for the model, a zod schema for its
 * arguments and an execute function. Bad arguments and ordinary failures are reported back to
 * the model as a tool error (see `ToolFailure`); only `TransientError` escapes to be retried.
 */
export interface Tool<Input = unknown> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /** True when running it twice has the same effect as once (pure or read-only tools). */
  repeatable: boolean;
  execute(input: Input, context: ToolContext): Promise<unknown>;
}

/** What the model is told about a function it may call: a tool, or a sub-agent called as one. */
export type ToolDescription<Input = unknown> = Pick<Tool<Input>, 'name' | 'description' | 'inputSchema'>;

/** Thrown by a tool for a failure the model should see and may correct (e.g. division by zero). */
export class ToolFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolFailure';
  }
}
