import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBatchSource } from './read-batch-source.ts';
import { tempFolder } from '../../testing/temp-folder.ts';

async function jsonl(text: string): Promise<string> {
  const path = join(await tempFolder('agentline-batch'), 'items.jsonl');
  await writeFile(path, text);
  return path;
}

describe('reading a batch source a chunk at a time', () => {
  it('reads a JSON Lines file from where the last chunk stopped, skipping blank lines and naming a line that is not JSON', async () => {
    const path = await jsonl('{"n":0}\r\n\n{"n":1}\nnot json\n"é"\n{"n":4}');
    const first = await readBatchSource({ jsonlPath: path }, { index: 0, offset: 0 }, 2);
    expect(first).toEqual({ items: [{ value: { n: 0 } }, { value: { n: 1 } }], next: { index: 2, offset: 18 }, done: false });
    const second = await readBatchSource({ jsonlPath: path }, first.next, 10);
    expect(second.items).toEqual([{ error: expect.stringMatching(/^item 2 \(byte 18\) is not JSON/) }, { value: 'é' }, { value: { n: 4 } }]);
    expect(second).toMatchObject({ next: { index: 5, offset: Buffer.byteLength('{"n":0}\r\n\n{"n":1}\nnot json\n"é"\n{"n":4}') }, done: true });
  });

  it('skips a UTF-8 byte-order mark at the start of the file, and only there', async () => {
    const path = await jsonl('\uFEFF{"n":0}\n\uFEFF{"n":1}\n');
    const chunk = await readBatchSource({ jsonlPath: path }, { index: 0, offset: 0 }, 5);
    expect(chunk.items).toEqual([{ value: { n: 0 } }, { error: expect.stringMatching(/^item 1 \(byte 11\) is not JSON/) }]);
  });

  it('reads inline items by index', async () => {
    expect(await readBatchSource({ items: ['a', 'b', 'c'] }, { index: 1, offset: 0 }, 5)).toEqual({ items: [{ value: 'b' }, { value: 'c' }], next: { index: 3, offset: 0 }, done: true });
  });

  it('refuses a file it cannot open, naming it', async () => {
    await expect(readBatchSource({ jsonlPath: '/nonexistent/items.jsonl' }, { index: 0, offset: 0 }, 5)).rejects.toThrow(/The batch's source \/nonexistent\/items.jsonl cannot be read: ENOENT/);
  });

  it('records a line over 256 KiB as an item that cannot run and goes on at the next line, across chunks', async () => {
    const long = `{"text":"${'x'.repeat(300 * 1024)}"}`;
    const path = await jsonl(`{"n":0}\n${long}\n{"n":2}\n`);
    const first = await readBatchSource({ jsonlPath: path }, { index: 0, offset: 0 }, 2);
    expect(first.items).toEqual([{ value: { n: 0 } }, { error: 'item 1 (byte 8): a line longer than 262144 bytes' }]);
    const rest = await readBatchSource({ jsonlPath: path }, first.next, 2);
    expect(rest).toEqual({ items: [{ value: { n: 2 } }], next: { index: 3, offset: 8 + long.length + 1 + 8 }, done: true });
  });
});
