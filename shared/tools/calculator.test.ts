import { describe, expect, it } from 'vitest';
import { calculate, calculatorTool, maxExpressionLength } from './calculator.ts';
import { ApproximateDecimal, ExactDecimal } from './exact-arithmetic.ts';
import { ToolFailure } from './tool.ts';

const context = { runId: 'run-1', stepId: 'step-1', attempt: 1, idempotencyKey: 'run-1/step-1', deadline: Number.MAX_SAFE_INTEGER, now: () => 0 };

describe('calculate', () => {
  it.each([
    ['2^64 + 1', (2n ** 64n + 1n).toString()],
    ['2^200', (2n ** 200n).toString()],
    ['99999999999999999999 * 99999999999999999999', (99999999999999999999n ** 2n).toString()],
    ['10^40 / 4', (10n ** 40n / 4n).toString()],
    ['0.1 + 0.2', '0.3'],
    ['1 - 0.9', '0.1'],
    ['10/4', '2.5'],
    ['(1+2)*3', '9'],
    ['  1 +  2 ', '3'],
    ['-3 + 1', '-2'],
    ['--1', '1'],
    ['-2^2', '-4'],
    ['(-2)^2', '4'],
    ['2^3^2', '512'],
    ['2**10', '1024'],
    ['2^-2', '0.25'],
    ['7 % 3', '1'],
    ['-7 % 3', '-1'],
    ['5.5 % 2', '1.5'],
    ['1e3', '1000'],
    ['1.5e-3 * 2', '0.003'],
    ['0.1^20', '0.00000000000000000001'],
    ['12345678901234567890.123456789 * 1000', '12345678901234567890123.456789'],
    ['-0', '0'],
    ['1/3', '0.3333333333333333333333333333333333'],
    ['1/3 * 3', '1'],
    ['2^0.5', '1.414213562373095048801688724209698'],
    ['sqrt(2)', '1.414213562373095048801688724209698'],
    ['sqrt(16)', '4'],
    ['2^0.5 * 10^40', '1.414213562373095048801688724209698e+40'],
    ['PI', '3.141592653589793238462643383279503'],
    ['ln(e)', '1'],
    ['log10(1000)', '3'],
    ['abs(-2.5)', '2.5'],
    ['round(2.5)', '3'],
    ['round(-2.5)', '-3'],
    ['floor(-2.5)', '-3'],
    ['max(1, 5, 3)', '5'],
    ['min(4, -1.5)', '-1.5'],
  ])('evaluates %s to %s', (expression, result) => {
    expect(calculate(expression)).toEqual({ result });
  });

  it.each([
    ['1/0', 'Division by zero in 1 / 0'],
    ['5 % 0', 'Division by zero in 5 % 0'],
    ['0^-1', 'Division by zero in 0 ^ (-1)'],
    ['2 +', 'Unexpected end of expression at position 4'],
    ['', 'Unexpected end of expression at position 1'],
    ['2 3', 'Unexpected token "3" at position 3 (expected an operator)'],
    ['(1+2', 'Unexpected end of expression at position 5 (expected ")")'],
    [')', 'Unexpected token ")" at position 1'],
    ['2 $ 3', 'Unexpected character "$" at position 3'],
    ['x + 1', 'Unknown name "x" at position 1'],
    ['constructor', 'Unknown name "constructor" at position 1'],
    ['import("fs")', 'Unexpected character """ at position 8'],
    ['evaluate(1)', 'Unknown function "evaluate" at position 1'],
    ['sqrt + 1', 'sqrt at position 1 is a function; call it as sqrt(...)'],
    ['sqrt(1, 2)', 'sqrt() at position 1 takes 1 argument(s), got 2'],
    ['max()', 'max() at position 1 takes at least 1 argument(s), got 0'],
    ['sqrt(-1)', 'sqrt(-1) is not a real number'],
    ['(-8)^(1/3)', '(-8) ^ 0.333333333333333333… is not a real number'],
    ['9^9^9', '9 ^ 387420489 is not finite'],
    ['ln(0)', 'ln(0) is not finite'],
    ['1e999999', '1e999999 is not finite'],
    ['10^-200000', '10 ^ (-200000) is too small'],
    ['1e-999999', '1e-999999 at position 1 is too small to represent'],
    ['sin(1e200)', 'sin needs an argument (in radians) smaller than 1e100'],
    [`${'('.repeat(101)}1${')'.repeat(101)}`, 'Expression is nested more than 100 levels deep'],
    [`${'1+'.repeat(500)}1`, `Expression is too long (1001 characters; the limit is ${maxExpressionLength})`],
  ])('rejects %s with a ToolFailure saying %s', (expression, message) => {
    expect(() => calculate(expression)).toThrow(ToolFailure);
    expect(() => calculate(expression)).toThrow(message);
  });

  it('accepts an expression of exactly the length limit', () => {
    const expression = `${'1+'.repeat(499)}11`;
    expect(expression).toHaveLength(maxExpressionLength);
    expect(calculate(expression)).toEqual({ result: '510' });
  });

  it('is not affected by decimal.js settings an earlier failure left changed', () => {
    // decimal.js leaves a raised or lowered precision behind when one of its functions throws.
    ExactDecimal.set({ precision: 5 });
    ApproximateDecimal.set({ precision: 5 });
    expect(calculate('2^64 + 1 + sqrt(2)')).toEqual({ result: '18446744073709551618.4142135623731' });
  });

  it('lists the known functions when a name is unknown, so the model can pick one', () => {
    expect(() => calculate('log(8)')).toThrow(/Known functions: abs, cbrt, ceil, cos, exp, floor, ln, log10, log2/);
  });
});

describe('calculatorTool', () => {
  it('returns the exact result as a string through execute', async () => {
    await expect(calculatorTool.execute({ expression: '2^64 + 1' }, context)).resolves.toEqual({
      result: '18446744073709551617',
    });
  });

  it('is named calculator and may be repeated because it is pure', () => {
    expect(calculatorTool).toMatchObject({ name: 'calculator', repeatable: true });
  });
});
