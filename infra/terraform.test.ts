import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { topology } from './topology.ts';

// Terraform cannot be planned here (no provider downloads), so these read its configuration as
// text: the resources the engine relies on in production must exist and follow topology.json.
const mainTf = readFileSync(new URL('./main.tf', import.meta.url), 'utf8');
const indexes = JSON.parse(readFileSync(new URL('./firestore.indexes.json', import.meta.url), 'utf8')) as {
  indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string }[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: { queryScope: string }[] }[];
};

/** The body of `resource "<type>" "<name>" { … }` (up to the next top-level closing brace). */
function resource(type: string, name: string): string {
  const start = mainTf.indexOf(`resource "${type}" "${name}" {`);
  expect(start, `resource ${type}.${name}`).toBeGreaterThanOrEqual(0);
  return mainTf.slice(start, mainTf.indexOf('\n}\n', start));
}

describe('the Terraform configuration', () => {
  it('creates a TTL policy on the expiry field of every collection group topology.json lists', () => {
    const ttl = resource('google_firestore_field', 'ttl');
    expect(ttl).toContain('for_each   = toset(local.topology.firestore.ttlCollectionGroups)');
    expect(ttl).toContain('field      = local.topology.firestore.ttlField');
    expect(ttl).toContain('ttl_config {}');
    const overrides = indexes.fieldOverrides.filter((override) => override.ttl);
    expect(overrides.map((override) => override.collectionGroup).sort()).toEqual([...topology.firestore.ttlCollectionGroups].sort());
    expect(new Set(overrides.map((override) => override.fieldPath))).toEqual(new Set([topology.firestore.ttlField]));
  });

  it('indexes what the sweeper queries: due steps and callbacks across runs, and runs by state and deadline', () => {
    expect(resource('google_firestore_field', 'steps_due_time')).toMatch(/collection = "steps"[\s\S]*field\s+= "dueTime"[\s\S]*query_scope = "COLLECTION_GROUP"/);
    expect(resource('google_firestore_field', 'callback_due_time')).toMatch(/collection = "callback"[\s\S]*field\s+= "dueTime"[\s\S]*query_scope = "COLLECTION_GROUP"/);
    expect(indexes.fieldOverrides).toContainEqual(expect.objectContaining({ collectionGroup: 'callback', fieldPath: 'dueTime', indexes: [expect.objectContaining({ queryScope: 'COLLECTION_GROUP' })] }));
    // Every composite index is made from firestore.indexes.json, so the one the sweeper needs is too.
    const composite = resource('google_firestore_index', 'composite');
    expect(composite).toContain('for index in local.firestore_indexes.indexes');
    expect(composite).toMatch(/dynamic "fields" \{[\s\S]*field_path\s+= fields.value.fieldPath/);
    expect(indexes.fieldOverrides).toContainEqual(expect.objectContaining({ collectionGroup: 'steps', fieldPath: 'dueTime', indexes: [expect.objectContaining({ queryScope: 'COLLECTION_GROUP' })] }));
    expect(indexes.indexes.map((index) => `${index.collectionGroup}:${index.fields.map((field) => field.fieldPath).join(',')}`)).toContain('runs:state,deadlineTime');
  });

  it('schedules the sweep from topology.json and lets Cloud Scheduler publish it', () => {
    const job = resource('google_cloud_scheduler_job', 'sweep');
    expect(job).toContain('schedule  = local.topology.schedules.sweep.cron');
    expect(job).toContain('topic_name = google_pubsub_topic.topic[local.topology.schedules.sweep.topic].id');
    expect(resource('google_pubsub_topic_iam_member', 'scheduler_publish')).toContain('gcp-sa-cloudscheduler');
  });
});
