import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A targeted reader of this module's Terraform, for tests that check who holds what. Terraform
 * cannot be planned or validated here (no provider downloads), and no HCL parser is among the
 * project's dependencies, so this reads only what those tests need: top-level blocks, and the
 * attributes and nested blocks of a block's body. It masks strings (with their `${…}`
 * interpolations) and comments before it looks for structure, and refuses heredocs, which it does
 * not read, rather than misreading them.
 */

/** A top-level block: `resource "type" "name" { body }`, `locals { body }`, … */
export interface TerraformBlock {
  kind: string;
  labels: string[];
  /** The text between the braces. */
  body: string;
  file: string;
}

/** Every top-level block of every `*.tf` file in `directory`. */
export function readTerraformBlocks(directory: string): TerraformBlock[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.tf'))
    .sort()
    .flatMap((file) => parseBlocks(readFileSync(join(directory, file), 'utf8'), file));
}

/** The top-level blocks of one file. */
export function parseBlocks(source: string, file = '<source>'): TerraformBlock[] {
  const masked = mask(source);
  const blocks: TerraformBlock[] = [];
  const header = /([A-Za-z_][\w-]*)((?:[ \t]+"[^"\n]*")*)[ \t]*\{/y;
  let index = 0;
  while (index < masked.length) {
    if (/\s/.test(masked[index]!)) {
      index++;
      continue;
    }
    header.lastIndex = index;
    const match = header.exec(masked);
    if (!match) throw new Error(`${file}: cannot read a block at offset ${index}: ${source.slice(index, index + 40)}`);
    const open = index + match[0].length - 1;
    const close = matching(masked, open);
    const labels = [...source.slice(index + match[1]!.length, open).matchAll(/"([^"]*)"/g)].map((label) => label[1]!);
    blocks.push({ kind: match[1]!, labels, body: source.slice(open + 1, close), file });
    index = close + 1;
  }
  return blocks;
}

/** The expression of the attribute `name` at the top level of `body`; undefined when absent. */
export function attribute(body: string, name: string): string | undefined {
  return topLevel(body).attributes.get(name);
}

/** The bodies of the nested blocks `name { … }` at the top level of `body` (dynamic blocks: `dynamic "name"`). */
export function nestedBlocks(body: string, name: string): string[] {
  return topLevel(body).blocks.filter((block) => block.name === name).map((block) => block.body);
}

/** The names of the attributes at the top level of `body` (of an object literal's body too). */
export function attributeNames(body: string): string[] {
  return [...topLevel(body).attributes.keys()];
}

function topLevel(body: string): { attributes: Map<string, string>; blocks: { name: string; body: string }[] } {
  const masked = mask(body);
  const attributes = new Map<string, string>();
  const blocks: { name: string; body: string }[] = [];
  // Matched against the text itself (names may be quoted), only where the masked text shows code.
  const item = /(?:dynamic[ \t]+"([^"\n]*)"|"([^"\n]*)"|([A-Za-z_][\w-]*))[ \t]*(=|\{)/y;
  let index = 0;
  while (index < masked.length) {
    if (/[\s,]/.test(masked[index]!)) {
      index++;
      continue;
    }
    item.lastIndex = index;
    const match = item.exec(body);
    if (!match) throw new Error(`cannot read an attribute or block at: ${body.slice(index, index + 40)}`);
    const name = match[1] ?? match[2] ?? match[3]!;
    if (match[4] === '{') {
      const open = index + match[0].length - 1;
      const close = matching(masked, open);
      blocks.push({ name, body: body.slice(open + 1, close) });
      index = close + 1;
      continue;
    }
    const start = index + match[0].length;
    const end = endOfExpression(masked, start);
    // A trailing comment is blank in the masked text (a string's quotes are not).
    attributes.set(name, body.slice(start, start + masked.slice(start, end).trimEnd().length).trim());
    index = end;
  }
  return { attributes, blocks };
}

/** Where an expression starting at `start` ends: a newline or comma outside any bracket. */
function endOfExpression(masked: string, start: number): number {
  let depth = 0;
  for (let index = start; index < masked.length; index++) {
    const character = masked[index]!;
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character)) depth--;
    else if (depth === 0 && (character === '\n' || character === ',')) return index;
  }
  return masked.length;
}

/** The index of the bracket that closes the one at `open`. */
function matching(masked: string, open: number): number {
  let depth = 0;
  for (let index = open; index < masked.length; index++) {
    const character = masked[index]!;
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character) && --depth === 0) return index;
  }
  throw new Error(`unclosed bracket at offset ${open}`);
}

/** `source` with the contents of strings and comments blanked (same length, newlines kept). */
export function mask(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let index = from; index < to; index++) if (out[index] !== '\n') out[index] = ' ';
  };
  let index = 0;
  const skipString = (start: number): number => {
    // `start` is the opening quote; returns the index after the closing one.
    let at = start + 1;
    while (at < source.length && source[at] !== '"') {
      if (source[at] === '\\') at += 2;
      else if (source.startsWith('${', at)) at = skipInterpolation(at + 2);
      else at++;
    }
    return at + 1;
  };
  const skipInterpolation = (start: number): number => {
    let depth = 1;
    let at = start;
    while (at < source.length) {
      if (source[at] === '"') at = skipString(at);
      else if (source[at] === '{') (depth++, at++);
      else if (source[at] === '}' && --depth === 0) return at + 1;
      else at++;
    }
    return at;
  };
  while (index < source.length) {
    if (source[index] === '"') {
      const end = skipString(index);
      blank(index + 1, end - 1);
      index = end;
    } else if (source[index] === '#' || source.startsWith('//', index)) {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      blank(index, stop);
      index = stop;
    } else if (source.startsWith('/*', index)) {
      const stop = source.indexOf('*/', index) + 2;
      blank(index, stop);
      index = stop;
    } else if (source.startsWith('<<', index) && /^<<-?[A-Za-z]/.test(source.slice(index, index + 4))) {
      throw new Error(`heredoc at offset ${index}: this reader does not read heredocs`);
    } else index++;
  }
  return out.join('');
}
