import { applyFunction, calculatorConstants, calculatorFunctions } from './calculator-functions.ts';
import type { BinaryOperator, Quantity } from './exact-arithmetic.ts';
import { applyOperator, checkedQuantity, ExactDecimal } from './exact-arithmetic.ts';
import type { ExpressionToken } from './tokenize-expression.ts';
import { tokenizeExpression } from './tokenize-expression.ts';
import { ToolFailure } from './tool.ts';

/** A parsed expression; calling it does the arithmetic. */
export type Evaluation = () => Quantity;

// Bounds recursion (parsing and evaluating) far below Node's stack limit.
const maxNesting = 100;

/**
 * Parses an arithmetic expression completely, so syntax errors and unknown names are reported
 * before any arithmetic runs. Grammar, loosest first: `+ -`, then `* / %`, then unary `- +`, then
 * right-associative `^`/`**` (so `-2^2` is -4 and `2^3^2` is 512), then numbers, constants,
 * calls and parentheses. Nothing is looked up outside the calculator's own tables and nothing
 * is ever evaluated as code. Throws `ToolFailure` naming the position of the first problem.
 */
export function parseExpression(source: string): Evaluation {
  const tokens = tokenizeExpression(source);
  let index = 0;
  let depth = 0;
  // The token list always ends with an `end` token, so clamping to it never leaves the list.
  const current = (): ExpressionToken => tokens[Math.min(index, tokens.length - 1)]!;

  function accept<Candidate extends string>(symbols: readonly Candidate[]): Candidate | undefined {
    const token = current();
    const symbol = token.kind === 'symbol' ? symbols.find((candidate) => candidate === token.text) : undefined;
    if (symbol !== undefined) index += 1;
    return symbol;
  }

  function expect(symbol: string): void {
    if (accept([symbol]) === undefined) throw unexpected(current(), `expected "${symbol}"`);
  }

  function nested(parse: () => Evaluation): Evaluation {
    depth += 1;
    if (depth > maxNesting) throw new ToolFailure(`Expression is nested more than ${maxNesting} levels deep`);
    const evaluation = parse();
    depth -= 1;
    return evaluation;
  }

  function parseChain(parseOperand: () => Evaluation, operators: readonly BinaryOperator[]): Evaluation {
    let left = parseOperand();
    for (let operator = accept(operators); operator !== undefined; operator = accept(operators)) {
      const [previous, right, applied] = [left, parseOperand(), operator];
      left = () => applyOperator(applied, previous(), right());
    }
    return left;
  }

  const parseSum = (): Evaluation => parseChain(parseProduct, ['+', '-']);
  const parseProduct = (): Evaluation => parseChain(parseUnary, ['*', '/', '%']);

  function parseUnary(): Evaluation {
    const sign = accept(['-', '+']);
    if (sign === undefined) return parsePower();
    const operand = nested(parseUnary);
    if (sign === '+') return operand;
    return () => {
      const quantity = operand();
      return { ...quantity, value: quantity.value.negated() };
    };
  }

  function parsePower(): Evaluation {
    const base = parseAtom();
    const operator = accept(['^', '**']);
    if (operator === undefined) return base;
    const exponent = nested(parseUnary);
    return () => applyOperator(operator, base(), exponent());
  }

  function parseAtom(): Evaluation {
    const token = current();
    index += 1;
    if (token.kind === 'number') {
      const literal = checkedQuantity(new ExactDecimal(token.text), true, () => token.text);
      // A literal like 1e-999999 silently becomes 0 in decimal.js; say so instead.
      if (literal.value.isZero() && /[1-9]/.test(token.text.split(/e/i)[0] ?? '')) {
        throw new ToolFailure(`${token.text} at position ${token.position} is too small to represent`);
      }
      return () => literal;
    }
    if (token.kind === 'name') return accept(['(']) === undefined ? parseConstant(token) : parseCall(token);
    if (token.kind === 'symbol' && token.text === '(') {
      const inner = nested(parseSum);
      expect(')');
      return inner;
    }
    throw unexpected(token);
  }

  function parseConstant(token: ExpressionToken): Evaluation {
    const name = token.text.toLowerCase();
    const constant = calculatorConstants.get(name);
    if (constant !== undefined) return () => constant;
    if (calculatorFunctions.has(name)) {
      throw new ToolFailure(`${token.text} at position ${token.position} is a function; call it as ${name}(...)`);
    }
    throw new ToolFailure(
      `Unknown name "${token.text}" at position ${token.position}. ` +
        `Known constants: ${[...calculatorConstants.keys()].join(', ')}; ` +
        `functions: ${[...calculatorFunctions.keys()].sort().join(', ')}`,
    );
  }

  function parseCall(token: ExpressionToken): Evaluation {
    const name = token.text.toLowerCase();
    const calculatorFunction = calculatorFunctions.get(name);
    if (calculatorFunction === undefined) {
      throw new ToolFailure(
        `Unknown function "${token.text}" at position ${token.position}. ` +
          `Known functions: ${[...calculatorFunctions.keys()].sort().join(', ')}`,
      );
    }
    const args: Evaluation[] = [];
    if (accept([')']) === undefined) {
      do {
        args.push(nested(parseSum));
      } while (accept([',']) !== undefined);
      expect(')');
    }
    const { minArguments, maxArguments } = calculatorFunction;
    if (args.length < minArguments || args.length > maxArguments) {
      const expected = minArguments === maxArguments ? `${minArguments}` : `at least ${minArguments}`;
      throw new ToolFailure(`${name}() at position ${token.position} takes ${expected} argument(s), got ${args.length}`);
    }
    return () => applyFunction(name, calculatorFunction, args.map((argument) => argument()));
  }

  const expression = parseSum();
  if (current().kind !== 'end') throw unexpected(current(), 'expected an operator');
  return expression;
}

function unexpected(token: ExpressionToken, hint?: string): ToolFailure {
  const found = token.kind === 'end' ? 'Unexpected end of expression' : `Unexpected token "${token.text}"`;
  return new ToolFailure(`${found} at position ${token.position}${hint === undefined ? '' : ` (${hint})`}`);
}
