import { describe, expect, it } from 'vitest';
import { attribute, nestedBlocks, parseBlocks } from './terraform-text.ts';

const source = `
# a comment with { a brace
resource "google_x" "y" {
  for_each = { for k, v in local.m : "\${k} }" => v } // trailing } comment
  name     = "a \\"quoted\\" {"
  role     = "roles/\${var.role["x"]}"
  nested {
    inner = 1
  }
  dynamic "secret" {
    for_each = [1]
  }
  /* a { block comment */
  multi = merge({
    A = "1"
  }, var.more)
}

locals {
  "quoted-key" = { a = 1 }
}
`;

describe('the Terraform text reader', () => {
  const [resource, locals] = parseBlocks(source);

  it('reads top-level blocks with their labels, past braces in strings and comments', () => {
    expect(resource).toMatchObject({ kind: 'resource', labels: ['google_x', 'y'] });
    expect(locals).toMatchObject({ kind: 'locals', labels: [] });
  });

  it.each([
    ['for_each', '{ for k, v in local.m : "${k} }" => v }'],
    ['name', '"a \\"quoted\\" {"'],
    ['role', '"roles/${var.role["x"]}"'],
    ['multi', 'merge({\n    A = "1"\n  }, var.more)'],
    ['absent', undefined],
  ])('reads the attribute %s as its expression', (name, expected) => {
    expect(attribute(resource!.body, name)).toBe(expected);
  });

  it('reads nested and dynamic blocks, and quoted keys', () => {
    expect(nestedBlocks(resource!.body, 'nested').map((body) => attribute(body, 'inner'))).toEqual(['1']);
    expect(nestedBlocks(resource!.body, 'secret').map((body) => attribute(body, 'for_each'))).toEqual(['[1]']);
    expect(attribute(locals!.body, 'quoted-key')).toBe('{ a = 1 }');
  });

  it('refuses a heredoc rather than misread it', () => {
    expect(() => parseBlocks('locals {\n  a = <<EOT\n}\nEOT\n}\n')).toThrow(/heredoc/);
  });
});
