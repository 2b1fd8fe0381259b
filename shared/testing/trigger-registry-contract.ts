import { describe, expect, it } from 'vitest';
import { ResourceExistsError } from '../domain/errors.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import { sampleAgentName, sampleDeliveryRecord, sampleTriggerRecord } from './trigger-fixtures.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * What every AgentRegistry does with webhook triggers and their delivery records: run in memory
 * in unit tests and against Firestore (emulator) in integration tests.
 */
export function describeTriggerRegistryContract(name: string, createRegistry: () => AgentRegistry): void {
  describe(`AgentRegistry trigger contract: ${name}`, () => {
    it('creates, reads, replaces and deletes a trigger, inside and outside transactions', async () => {
      const registry = createRegistry();
      const trigger = sampleTriggerRecord(sampleAgentName(uniqueId('a')), 't1');
      expect(await registry.getTrigger(trigger.name)).toBeUndefined();
      await registry.transact(async (tx) => tx.createTrigger(trigger));
      expect(await registry.getTrigger(trigger.name)).toEqual(trigger);
      const disabled = { ...trigger, fields: { ...trigger.fields, enabled: false }, updateTime: trigger.updateTime + 1 };
      await registry.transact(async (tx) => {
        expect(await tx.getTrigger(trigger.name)).toEqual(trigger);
        tx.putTrigger(disabled);
      });
      expect(await registry.getTrigger(trigger.name)).toEqual(disabled);
      await registry.transact(async (tx) => tx.deleteTrigger(trigger.name));
      expect(await registry.getTrigger(trigger.name)).toBeUndefined();
    });

    it('refuses to create a trigger that exists', async () => {
      const registry = createRegistry();
      const trigger = sampleTriggerRecord(sampleAgentName(uniqueId('a')), 't1');
      await registry.transact(async (tx) => tx.createTrigger(trigger));
      await expect(registry.transact(async (tx) => tx.createTrigger(trigger))).rejects.toBeInstanceOf(ResourceExistsError);
    });

    it("pages through an agent's triggers by id, and no other agent's", async () => {
      const registry = createRegistry();
      const agent = sampleAgentName(uniqueId('a'));
      await registry.transact(async (tx) => {
        for (const id of ['c', 'a', 'b']) tx.createTrigger(sampleTriggerRecord(agent, id));
        tx.createTrigger(sampleTriggerRecord(sampleAgentName(uniqueId('other')), 'a'));
      });
      const first = await registry.listTriggers(agent, { pageSize: 2, after: undefined });
      expect(first.items.map((trigger) => trigger.name)).toEqual([`${agent}/triggers/a`, `${agent}/triggers/b`]);
      const rest = await registry.listTriggers(agent, { pageSize: 2, after: first.next });
      expect(rest.items.map((trigger) => trigger.name)).toEqual([`${agent}/triggers/c`]);
      expect(rest.next).toBeUndefined();
    });

    it('creates a delivery record once: a second create of the same id fails the transaction', async () => {
      const registry = createRegistry();
      const trigger = `${sampleAgentName(uniqueId('a'))}/triggers/t1`;
      const accepted = sampleDeliveryRecord(trigger, 'a1', { outcome: 'ACCEPTED', deliveryId: 'd-1', runName: 'runs/r1', reason: undefined, message: undefined });
      const { reason: _reason, message: _message, ...stored } = accepted;
      await registry.transact(async (tx) => {
        expect(await tx.getDelivery(trigger, 'a1')).toBeUndefined();
        tx.createDelivery(accepted);
      });
      await registry.transact(async (tx) => expect(await tx.getDelivery(trigger, 'a1')).toEqual(stored));
      await expect(registry.transact(async (tx) => tx.createDelivery(accepted))).rejects.toBeInstanceOf(ResourceExistsError);
    });

    it("lists a trigger's deliveries newest first, ties by id, a page at a time", async () => {
      const registry = createRegistry();
      const trigger = `${sampleAgentName(uniqueId('a'))}/triggers/t1`;
      await registry.recordRefusedDelivery(sampleDeliveryRecord(trigger, 'r1', { createTime: 1_000 }));
      await registry.recordRefusedDelivery(sampleDeliveryRecord(trigger, 'r2', { createTime: 3_000, reason: 'FILTERED_OUT' }));
      await registry.recordRefusedDelivery(sampleDeliveryRecord(trigger, 'r3', { createTime: 3_000 }));
      await registry.transact(async (tx) => tx.createDelivery(sampleDeliveryRecord(trigger, 'a1', { createTime: 2_000, outcome: 'ACCEPTED', runName: 'runs/r' })));
      await registry.recordRefusedDelivery(sampleDeliveryRecord(`${sampleAgentName(uniqueId('other'))}/triggers/t1`, 'r9'));
      const first = await registry.listDeliveries(trigger, { pageSize: 3, after: undefined });
      expect(first.items.map((record) => record.id)).toEqual(['r3', 'r2', 'a1']);
      expect(first.items[1]).toEqual(sampleDeliveryRecord(trigger, 'r2', { createTime: 3_000, reason: 'FILTERED_OUT' }));
      const rest = await registry.listDeliveries(trigger, { pageSize: 3, after: first.next });
      expect(rest.items.map((record) => record.id)).toEqual(['r1']);
      expect(rest.next).toBeUndefined();
    });
  });
}
