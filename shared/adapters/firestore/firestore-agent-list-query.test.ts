import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentListIndexes } from './firestore-agent-list-query.ts';

// The emulator runs any query without an index; production refuses one it has no index for.
const declared = (JSON.parse(readFileSync(new URL('../../../infra/firestore.indexes.json', import.meta.url), 'utf8')) as {
  indexes: { collectionGroup: string; queryScope: string; fields: unknown[] }[];
}).indexes;

describe('agentListIndexes', () => {
  it('are all declared in infra/firestore.indexes.json, for the agents collection', () => {
    for (const fields of agentListIndexes()) expect(declared).toContainEqual({ collectionGroup: 'agents', queryScope: 'COLLECTION', fields });
  });

  it('cover every ordering, ascending and descending, for admins and for everyone else', () => {
    const shapes = agentListIndexes().map((fields) => fields.map((field) => `${field.fieldPath}:${field.order ?? field.arrayConfig}`).join(','));
    expect(new Set(shapes).size).toBe(20);
    expect(shapes).toContain('parent:ASCENDING,listedTo:CONTAINS,fields.displayName:DESCENDING,name:ASCENDING');
    expect(shapes).toContain('parent:ASCENDING,createTime:ASCENDING,name:ASCENDING');
    expect(shapes).toContain('parent:ASCENDING,listedTo:CONTAINS,name:DESCENDING');
  });
});
