import { ToolFailure } from './tool.ts';

/** One lexical token of a calculator expression. */
export interface ExpressionToken {
  kind: 'number' | 'name' | 'symbol' | 'end';
  /** The source text, or `end of expression` for the final token. */
  text: string;
  /** 1-based character position in the expression, for error messages the model can act on. */
  position: number;
}

// Sticky patterns so each one matches only at the current position, never further on.
const whitespacePattern = /\s+/y;
const numberPattern = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const namePattern = /[A-Za-z_][A-Za-z0-9_]*/y;
// `**` before `*` so that the longer operator wins.
const symbols = ['**', '+', '-', '*', '/', '%', '^', '(', ')', ','] as const;

/**
 * Splits an arithmetic expression into numbers, names and symbols. The result always ends with
 * exactly one `end` token. Throws `ToolFailure` naming the position of a character that belongs to
 * no token.
 */
export function tokenizeExpression(source: string): ExpressionToken[] {
  const tokens: ExpressionToken[] = [];
  let index = 0;
  while (index < source.length) {
    const whitespace = matchAt(whitespacePattern, source, index);
    if (whitespace !== undefined) {
      index += whitespace.length;
      continue;
    }
    const token = readToken(source, index);
    tokens.push(token);
    index += token.text.length;
  }
  tokens.push({ kind: 'end', text: 'end of expression', position: source.length + 1 });
  return tokens;
}

function readToken(source: string, index: number): ExpressionToken {
  const position = index + 1;
  const number = matchAt(numberPattern, source, index);
  if (number !== undefined) return { kind: 'number', text: number, position };
  const name = matchAt(namePattern, source, index);
  if (name !== undefined) return { kind: 'name', text: name, position };
  const symbol = symbols.find((candidate) => source.startsWith(candidate, index));
  if (symbol !== undefined) return { kind: 'symbol', text: symbol, position };
  // Whole code point, so an emoji is quoted intact rather than as half a surrogate pair.
  const character = String.fromCodePoint(source.codePointAt(index) ?? 0);
  throw new ToolFailure(`Unexpected character "${character}" at position ${position}`);
}

function matchAt(pattern: RegExp, source: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(source)?.[0];
}
