import { z } from 'zod';
import { formatQuantity, resetArithmetic } from './exact-arithmetic.ts';
import { parseExpression } from './parse-expression.ts';
import type { RepeatableTool } from './tool.ts';
import { ToolFailure } from './tool.ts';

/** Longest expression accepted; bounds the work one call can cause. */
export const maxExpressionLength = 1000;

/** Arguments of the `calculator` tool. */
export const calculatorInputSchema = z.object({
  expression: z
    .string()
    .describe(
      'Arithmetic expression, e.g. "2^64 + 1" or "(0.1 + 0.2) * 3". Operators: + - * / % ^ (or **), ' +
        'parentheses, unary minus. Functions: abs, ceil, floor, round, trunc, min, max, sqrt, cbrt, ' +
        'exp, ln, log10, log2, sin, cos, tan (radians). Constants: pi, e.',
    ),
});

export type CalculatorInput = z.infer<typeof calculatorInputSchema>;

/** What the `calculator` tool returns: the result as a decimal string, never a float. */
export interface CalculatorOutput {
  result: string;
}

/**
 * Evaluates `expression` with decimal arithmetic. Integers and terminating decimals are exact
 * (up to 1000 digits: `2^64 + 1` is 18446744073709551617, `0.1 + 0.2` is 0.3); irrational
 * results carry 34 significant digits. Throws `ToolFailure` for syntax errors, unknown names,
 * division by zero, non-real or non-finite results and expressions over 1000 characters.
 */
export function calculate(expression: string): CalculatorOutput {
  if (expression.length > maxExpressionLength) {
    throw new ToolFailure(
      `Expression is too long (${expression.length} characters; the limit is ${maxExpressionLength})`,
    );
  }
  // Before, not after: a failure anywhere earlier may have left decimal.js settings changed.
  resetArithmetic();
  return { result: formatQuantity(parseExpression(expression)()) };
}

/** Exact decimal calculator; pure, so repeating a call is harmless. */
export const calculatorTool: RepeatableTool<CalculatorInput> = {
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly, with arbitrary-size integers and decimals ' +
    '(no floating-point error). Use it for any arithmetic instead of computing in your head. ' +
    'Returns { result } as a decimal string.',
  inputSchema: calculatorInputSchema,
  repeatable: true,
  execute: async ({ expression }) => calculate(expression),
};
