import { Decimal } from 'decimal.js';
import { ToolFailure } from './tool.ts';

/**
 * A number in a calculation. `exact` is true while no rounding has happened: such values print
 * every digit; the others print `printedDigits` significant digits.
 */
export interface Quantity {
  value: Decimal;
  exact: boolean;
}

/** Operators the calculator understands; `**` is another spelling of `^`. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^' | '**';

// + - * / % and integer powers keep this many digits. A result that needs fewer was not
// rounded, so integers and terminating decimals up to this size come out exactly.
const exactPrecision = 1000;
// Roots, logarithms, trigonometry and fractional powers: a guard band above what we print.
const approximatePrecision = 50;
// The precision of IEEE decimal128: plenty for an answer, short enough to read.
const printedDigits = 34;
// Bounds every magnitude, so printing stays short and runaway powers end in a clear error.
const exponentLimit = 100_000;

const exactConfig = {
  precision: exactPrecision,
  rounding: Decimal.ROUND_HALF_EVEN,
  // Remainder takes the sign of the dividend, as `%` does in JavaScript and C.
  modulo: Decimal.ROUND_DOWN,
  maxE: exponentLimit,
  minE: -exponentLimit,
};
const approximateConfig = { ...exactConfig, precision: approximatePrecision };

/** Decimal type for exact steps; every `Quantity.value` is one of these. */
export const ExactDecimal = Decimal.clone(exactConfig);
/** Decimal type for irrational functions, computed with `approximatePrecision` digits. */
export const ApproximateDecimal = Decimal.clone(approximateConfig);

/**
 * Restores both Decimal types' settings. decimal.js raises a type's precision inside some
 * functions and leaves it raised if they throw, which would slow every later calculation and
 * change its digits. Idempotent.
 */
export function resetArithmetic(): void {
  ExactDecimal.set(exactConfig);
  ApproximateDecimal.set(approximateConfig);
}

/** Prints without exponent notation unless the magnitude is extreme; never prints `-0`. */
export function formatQuantity({ value, exact }: Quantity): string {
  if (value.isZero()) return '0';
  const shown = exact ? value : value.toSignificantDigits(printedDigits);
  const plain = exact
    ? Math.abs(shown.e) < exactPrecision
    : shown.e >= -7 && shown.e < printedDigits; // beyond 34 digits, trailing zeros would be made up
  return plain ? shown.toFixed() : shown.toExponential();
}

/**
 * Checks a computed value and wraps it as a Quantity, treating a result that filled the whole
 * working precision as rounded. Throws `ToolFailure` for NaN and overflow.
 */
export function checkedQuantity(value: Decimal, exact: boolean, describe: () => string): Quantity {
  if (value.isNaN()) throw new ToolFailure(`${describe()} is not a real number`);
  if (!value.isFinite()) {
    throw new ToolFailure(`${describe()} is not finite (magnitudes must stay below 1e${exponentLimit})`);
  }
  return { value: new ExactDecimal(value), exact: exact && value.sd() < exactPrecision };
}

/** Applies one operator. Throws `ToolFailure` for division by zero, overflow and underflow. */
export function applyOperator(operator: BinaryOperator, left: Quantity, right: Quantity): Quantity {
  const describe = () => `${operandForm(left)} ${operator} ${operandForm(right)}`;
  const [a, b] = [left.value, right.value];
  const exact = left.exact && right.exact;
  switch (operator) {
    case '+':
      return checkedQuantity(a.plus(b), exact, describe);
    case '-':
      return checkedQuantity(a.minus(b), exact, describe);
    case '*':
      return notUnderflowed(checkedQuantity(a.times(b), exact, describe), !a.isZero() && !b.isZero(), describe);
    case '/':
    case '%': {
      if (b.isZero()) throw new ToolFailure(`Division by zero in ${describe()}`);
      const value = operator === '/' ? a.dividedBy(b) : a.modulo(b);
      return notUnderflowed(checkedQuantity(value, exact, describe), operator === '/' && !a.isZero(), describe);
    }
    case '^':
    case '**':
      return power(left, right, describe);
  }
}

function power(base: Quantity, exponent: Quantity, describe: () => string): Quantity {
  const [b, x] = [base.value, exponent.value];
  if (b.isZero() && x.isNegative()) throw new ToolFailure(`Division by zero in ${describe()}`);
  // decimal.js squares repeatedly for safe-integer exponents (exact); anything else goes
  // through ln and exp, so it is computed at the approximate precision.
  const integral = exponent.exact && x.isInteger() && x.abs().lte(Number.MAX_SAFE_INTEGER);
  const value = integral ? b.pow(x) : ApproximateDecimal.pow(toApproximate(b), x);
  return notUnderflowed(checkedQuantity(value, base.exact && integral, describe), !b.isZero(), describe);
}

/** Rounds to the approximate precision, which also keeps decimal.js within its constant tables. */
export function toApproximate(value: Decimal): Decimal {
  return new ApproximateDecimal(value).toSignificantDigits(approximatePrecision);
}

// A zero that should not be zero means the true result fell below the exponent limit.
function notUnderflowed(result: Quantity, expectNonZero: boolean, describe: () => string): Quantity {
  if (expectNonZero && result.value.isZero()) {
    throw new ToolFailure(`${describe()} is too small (magnitudes must stay above 1e-${exponentLimit})`);
  }
  return result;
}

// Negative operands in parentheses, so "(-8) ^ 0.5" cannot be read as -(8 ^ 0.5).
function operandForm(quantity: Quantity): string {
  return quantity.value.isNegative() ? `(${shortForm(quantity)})` : shortForm(quantity);
}

/** A quantity abbreviated for error messages, which should not repeat a thousand digits. */
export function shortForm(quantity: Quantity): string {
  const text = formatQuantity(quantity);
  return text.length > 24 ? `${text.slice(0, 20)}…` : text;
}
