import { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { mcpDeclarationSchema } from './mcp-declaration-schema.ts';

// The global setup points FIRESTORE_EMULATOR_HOST at the emulator; a project per file isolates data.
const firestore = new Firestore({ projectId: `mcp-schema-${process.pid}`, ignoreUndefinedProperties: true });
afterAll(() => firestore.terminate());

/** A schema nesting `levels` objects deep, with a tuple-valued enum at the bottom. */
function deepSchema(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'array', items: { type: 'array', items: { type: 'integer' } }, enum: [[1, 2], [3, 4]], default: [[1, 2]] };
  for (let level = 0; level < levels; level++) schema = { type: 'object', properties: { inner: schema } };
  return schema;
}

// Where a snapshot holds a tool's schema: the run's agent → its MCP tools → one tool → the schema.
const snapshotOf = (schema: Record<string, unknown>) => ({ agent: { mcpTools: [{ toolName: 't', parametersJsonSchema: schema }] } });

describe('an MCP tool schema in a snapshot, on the Firestore emulator', () => {
  it('is refused by Firestore as the server gave it (deep, arrays in arrays), and stored once made a declaration', async () => {
    const raw = deepSchema(25);
    const write = (schema: Record<string, unknown>) => Promise.resolve().then(() => firestore.doc('runs/raw').set(snapshotOf(schema)));
    await expect(write(raw)).rejects.toThrow(/deeper than 20 levels/);
    await expect(write(deepSchema(0))).rejects.toThrow(/INVALID_ARGUMENT: Cannot convert an array value in an array value/);
    const declared = mcpDeclarationSchema(raw);
    await firestore.doc('runs/declared').set(snapshotOf(declared));
    const stored = (await firestore.doc('runs/declared').get()).data() as ReturnType<typeof snapshotOf>;
    expect(stored.agent.mcpTools[0]!.parametersJsonSchema).toEqual(declared);
    expect(declared).toMatchObject({ type: 'object', properties: { inner: { type: 'object', properties: { inner: { type: 'object' } } } } });
  });

  it('leaves out what Firestore cannot keep: property names it reserves or refuses, and a required list holding lists', async () => {
    const raw = { type: 'object', properties: { '': { type: 'string' }, __id__: { type: 'string' }, name: { type: 'string' } }, required: [['name'], 'name', '__id__'] };
    const write = (schema: Record<string, unknown>) => Promise.resolve().then(() => firestore.doc('runs/names').set(snapshotOf(schema)));
    await expect(write(raw)).rejects.toThrow();
    const declared = mcpDeclarationSchema(raw);
    expect(declared).toEqual({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    await write(declared);
  });

  it("puts the schema's own definitions in place and cuts a recursive one", async () => {
    const declared = mcpDeclarationSchema({
      type: 'object',
      properties: { owner: { $ref: '#/$defs/Person' }, tree: { $ref: '#/definitions/Node' } },
      required: ['owner'],
      $defs: { Person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      definitions: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } } } },
    });
    expect(declared).toEqual({
      type: 'object',
      properties: {
        owner: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        tree: { type: 'object', properties: { children: { type: 'array', items: {} } } },
      },
      required: ['owner'],
    });
    await firestore.doc('runs/refs').set(snapshotOf(declared));
  });
});
