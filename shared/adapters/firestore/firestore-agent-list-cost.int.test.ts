import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../domain/agents/agent-record.ts';
import { audiencesOf } from '../../domain/agents/list-audience.ts';
import type { AgentSortKey, OrderClause } from '../../domain/agents/list-request.ts';
import type { Caller } from '../../domain/agents/permissions.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { documentPaths, encodeAgentName } from '../document-paths.ts';
import { testRetention } from '../in-memory/in-memory-run-store.ts';
import { toAgentDocument } from './firestore-agent-list-query.ts';
import { FirestoreAgentRegistry } from './firestore-agent-registry.ts';

// What a list page costs with 10,000 agents present, nearly all of them hidden from the caller:
// the registry's query reads one page (plus one agent, to know whether another page follows).
const firestore = new Firestore({ projectId: `agent-list-cost-${process.pid}`, ignoreUndefinedProperties: true });
const registry = new FirestoreAgentRegistry(firestore, testRetention);
const parent = 'projects/p1/locations/global/collections/default_collection/engines/big';
const agentCount = 10_000;
const pageSize = 20;
const viewer: Caller = { userId: 'viewer', admin: false };
const admin: Caller = { userId: 'root', admin: true };

/** Every 200th agent is everyone's (ENABLED), every 500th (offset) the viewer's PRIVATE one; the rest others' PRIVATE ones. */
function agentAt(index: number): AgentRecord {
  const shared = index % 200 === 0;
  const viewers = index % 500 === 250;
  return sampleAgentRecord(`a${String(index).padStart(5, '0')}`, {
    parent,
    state: shared ? 'ENABLED' : 'PRIVATE',
    creator: viewers ? 'viewer' : `user${index % 97}`,
    createTime: 1_700_000_000_000 + ((index * 7919) % agentCount) * 1000,
    updateTime: 1_700_000_000_000,
  });
}

const visibleToViewer = Array.from({ length: agentCount }, (_, index) => agentAt(index)).filter((record) => record.state !== 'PRIVATE' || record.creator === 'viewer');

beforeAll(async () => {
  // 500 writes per batch, Firestore's limit for one commit.
  for (let start = 0; start < agentCount; start += 500) {
    const batch = firestore.batch();
    for (let index = start; index < start + 500; index++) {
      const record = agentAt(index);
      batch.set(firestore.doc(documentPaths.agent(encodeAgentName(record.name))), toAgentDocument(record));
    }
    await batch.commit();
  }
}, 120_000);

afterAll(() => firestore.terminate());

async function pageThrough(caller: Caller, order: OrderClause, maxPages: number) {
  const pages: { names: string[]; documentsRead: number }[] = [];
  let after: AgentSortKey | undefined;
  do {
    const page = await registry.listAgentsPage({ parent, audiences: audiencesOf(caller), order, after, pageSize });
    pages.push({ names: page.agents.map((record) => record.name), documentsRead: page.documentsRead });
    after = page.next;
  } while (after && pages.length < maxPages);
  return pages;
}

describe(`a list page with ${agentCount} agents stored`, () => {
  it(`reads at most pageSize + 1 documents for a caller who may see ${visibleToViewer.length} of them, on the first page and every later one`, async () => {
    expect(visibleToViewer.length).toBe(70);
    const pages = await pageThrough(viewer, { field: 'createTime', descending: false }, 10);
    expect(pages.map((page) => page.names.length)).toEqual([20, 20, 20, 10]);
    expect(pages.flatMap((page) => page.names)).toEqual([...visibleToViewer].sort((a, b) => a.createTime - b.createTime).map((record) => record.name));
    expect(pages.map((page) => page.documentsRead)).toEqual([21, 21, 21, 10]);
  });

  it('reads at most pageSize + 1 documents in a descending order by displayName too', async () => {
    const [first, second] = await pageThrough(viewer, { field: 'displayName', descending: true }, 2);
    for (const page of [first!, second!]) expect(page.documentsRead).toBeLessThanOrEqual(pageSize + 1);
  });

  it('reads at most pageSize + 1 documents for an admin, who may see all of them, 30 pages deep', async () => {
    const pages = await pageThrough(admin, { field: 'name', descending: false }, 30);
    expect(pages).toHaveLength(30);
    expect(pages.at(-1)!.names[0]).toBe(`${parent}/agents/a00580`);
    for (const page of pages) expect(page.documentsRead).toBeLessThanOrEqual(pageSize + 1);
  });
});
