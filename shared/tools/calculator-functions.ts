import { Decimal } from 'decimal.js';
import type { Quantity } from './exact-arithmetic.ts';
import { ApproximateDecimal, ExactDecimal, checkedQuantity, shortForm, toApproximate } from './exact-arithmetic.ts';
import { ToolFailure } from './tool.ts';

/** A function an expression may call, such as `sqrt(2)` or `max(1, 2, 3)`. */
export interface CalculatorFunction {
  minArguments: number;
  maxArguments: number;
  /** True when exact arguments give an exact result (abs, floor, min); false for irrational ones. */
  keepsExactness: boolean;
  compute(values: readonly Decimal[]): Decimal;
}

// Reducing a larger argument modulo pi would need more digits of pi than decimal.js carries.
const trigonometricLimit = new Decimal('1e100');

function exactUnary(compute: (x: Decimal) => Decimal): CalculatorFunction {
  return { minArguments: 1, maxArguments: 1, keepsExactness: true, compute: (values) => compute(only(values)) };
}

function approximateUnary(compute: (x: Decimal) => Decimal): CalculatorFunction {
  return {
    minArguments: 1,
    maxArguments: 1,
    keepsExactness: false,
    compute: (values) => compute(toApproximate(only(values))),
  };
}

function trigonometric(name: string, compute: (x: Decimal) => Decimal): CalculatorFunction {
  return approximateUnary((x) => {
    if (x.abs().gte(trigonometricLimit)) {
      throw new ToolFailure(`${name} needs an argument (in radians) smaller than 1e100 in magnitude`);
    }
    return compute(x);
  });
}

function extreme(pick: (...values: Decimal[]) => Decimal): CalculatorFunction {
  return { minArguments: 1, maxArguments: Infinity, keepsExactness: true, compute: (values) => pick(...values) };
}

// The parser checks the argument count against minArguments/maxArguments before any call.
function only(values: readonly Decimal[]): Decimal {
  const [value] = values;
  if (value === undefined || values.length !== 1) throw new Error(`Expected one argument, got ${values.length}`);
  return value;
}

/** Functions by lower-case name. A Map, so names like `constructor` never reach a prototype. */
export const calculatorFunctions: ReadonlyMap<string, CalculatorFunction> = new Map([
  ['abs', exactUnary((x) => x.abs())],
  ['ceil', exactUnary((x) => x.ceil())],
  ['floor', exactUnary((x) => x.floor())],
  // Half away from zero, as people round by hand (ROUND_HALF_UP in decimal.js terms).
  ['round', exactUnary((x) => x.toDecimalPlaces(0, Decimal.ROUND_HALF_UP))],
  ['trunc', exactUnary((x) => x.truncated())],
  ['min', extreme((...values) => ExactDecimal.min(...values))],
  ['max', extreme((...values) => ExactDecimal.max(...values))],
  ['sqrt', approximateUnary((x) => ApproximateDecimal.sqrt(x))],
  ['cbrt', approximateUnary((x) => ApproximateDecimal.cbrt(x))],
  ['exp', approximateUnary((x) => ApproximateDecimal.exp(x))],
  ['ln', approximateUnary((x) => ApproximateDecimal.ln(x))],
  ['log10', approximateUnary((x) => ApproximateDecimal.log10(x))],
  ['log2', approximateUnary((x) => ApproximateDecimal.log2(x))],
  ['sin', trigonometric('sin', (x) => ApproximateDecimal.sin(x))],
  ['cos', trigonometric('cos', (x) => ApproximateDecimal.cos(x))],
  ['tan', trigonometric('tan', (x) => ApproximateDecimal.tan(x))],
]);

/** Named constants by lower-case name; both are irrational, hence inexact. */
export const calculatorConstants: ReadonlyMap<string, Quantity> = new Map([
  ['pi', { value: new ExactDecimal(ApproximateDecimal.acos(-1)), exact: false }],
  ['e', { value: new ExactDecimal(ApproximateDecimal.exp(1)), exact: false }],
]);

/** Calls a function whose argument count the parser has checked. Throws `ToolFailure` for NaN or overflow. */
export function applyFunction(name: string, calculatorFunction: CalculatorFunction, args: readonly Quantity[]): Quantity {
  const value = calculatorFunction.compute(args.map((argument) => argument.value));
  const exact = calculatorFunction.keepsExactness && args.every((argument) => argument.exact);
  return checkedQuantity(value, exact, () => `${name}(${args.map(shortForm).join(', ')})`);
}
