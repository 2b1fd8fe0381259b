import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strictly, parsePort, parseTimeoutSeconds, readUtf8File, readUtf8Stdin } from './cli-options.ts';
import { tempFolder } from '../shared/testing/temp-folder.ts';

describe('CLI option values', () => {
  it.each(['0.001', '0', '-5', 'abc', '1e3', '', '86401'])('refuses --timeout %j, naming the option', (raw) => {
    expect(() => parseTimeoutSeconds(raw)).toThrow(/--timeout must be a whole number of seconds from 1 to 86400/);
  });

  it('accepts whole seconds', () => {
    expect(parseTimeoutSeconds('300')).toBe(300);
  });

  it.each(['abc', '-1', '65536', '80.5'])('refuses --port %j, naming the option', (raw) => {
    expect(() => parsePort(raw)).toThrow(/--port must be a port number/);
  });

  it('accepts a port number, 0 for any free port, or none', () => {
    expect([parsePort('8080'), parsePort('0'), parsePort(undefined)]).toEqual([8080, 0, undefined]);
  });
});

describe('reading text strictly as UTF-8', () => {
  it('refuses invalid UTF-8 instead of replacing it, naming the source and the offset of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('héllo '), Buffer.from([0xff, 0xfe]), Buffer.from(' world')]);
    expect(() => decodeUtf8Strictly(bytes, 'agent file a.yaml')).toThrow('agent file a.yaml is not valid UTF-8 (the first bad byte is at offset 7)');
  });

  it('decodes valid UTF-8, multi-byte characters included', () => {
    expect(decodeUtf8Strictly(Buffer.from('東京 → London ✓'), 'x')).toBe('東京 → London ✓');
  });

  it('names the option and path of a file it cannot read', async () => {
    await expect(readUtf8File('/nonexistent/agent.yaml', '--agent-config')).rejects.toThrow(/Cannot read --agent-config file \/nonexistent\/agent.yaml/);
  });

  it('reads a file and standard input bigger than an argument may be', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const dir = await tempFolder('agentline-input');
    await writeFile(join(dir, 'input.txt'), big);
    expect((await readUtf8File(join(dir, 'input.txt'), '--input-file')).length).toBe(big.length);
    expect((await readUtf8Stdin(Readable.from([Buffer.from(big.slice(0, 10)), Buffer.from(big.slice(10))]))).length).toBe(big.length);
  });
});
