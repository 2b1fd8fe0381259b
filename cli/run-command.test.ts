import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSubmission, toCreateRunBody } from './run-command.ts';
import { tempFolder } from '../shared/testing/temp-folder.ts';

const agentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/calc';
const values = { input: '2+2?', timeout: '300', user: 'ada' };

describe('agentline run <agent>', () => {
  it('submits a registered agent by its resource name, with the user id', async () => {
    const submission = await buildSubmission([agentName], values);
    expect(submission).toMatchObject({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
  });

  it('submits the YAML of an agent file, validated locally', async () => {
    const dir = await tempFolder('agentline-run');
    const path = join(dir, 'calc.yaml');
    await writeFile(path, 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n');
    const submission = await buildSubmission([path], values);
    expect(submission.agent).toEqual({ configYaml: expect.stringContaining('calc_agent'), fileName: 'calc.yaml' });
  });

  it.each([
    ['a malformed resource name', 'projects/p/agents/calc', /not an agent resource name; expected projects\/\{project\}\/locations/],
    ['a file that does not exist', '/nonexistent/agent.yaml', /Cannot read agent file \/nonexistent\/agent.yaml/],
  ])('refuses %s, naming it', async (_case, argument, message) => {
    await expect(buildSubmission([argument], values)).rejects.toThrow(message);
  });
});

describe('agentline run through the runs API', () => {
  it('creates the run with only what a caller may set: the user comes from the token, the idempotency key is the requestId', async () => {
    const submission = await buildSubmission([agentName], { ...values, session: 's1', callback: 'https://example.com/hook', 'run-config': '{"max_llm_calls": 3}' });
    const body = JSON.parse(JSON.stringify(toCreateRunBody(submission)));
    expect(body).toEqual({ agent: { name: agentName }, input: '2+2?', sessionId: 's1', callback: { url: 'https://example.com/hook' }, runConfig: { max_llm_calls: 3 } });
  });
});

describe('agentline run as a user', () => {
  it('runs as the login user when no --user is given, and refuses a user id that cannot name a user', async () => {
    const { user: _user, ...withoutUser } = values;
    const previous = process.env['USER'];
    process.env['USER'] = 'grace';
    try {
      expect((await buildSubmission([agentName], withoutUser)).userId).toBe('grace');
    } finally {
      if (previous === undefined) delete process.env['USER'];
      else process.env['USER'] = previous;
    }
    await expect(buildSubmission([agentName], { ...values, user: 'ada/../bob' })).rejects.toThrow(/"ada\/..\/bob" is not a user id/);
  });
});

describe('agentline run input', () => {
  it('takes the input from --input-file, refuses both or neither, and refuses an argument that held invalid UTF-8', async () => {
    const dir = await tempFolder('agentline-run');
    await writeFile(join(dir, 'input.txt'), 'What is 2+2?');
    const { input: _input, ...noInput } = values;
    expect((await buildSubmission([agentName], { ...noInput, 'input-file': join(dir, 'input.txt') })).input).toBe('What is 2+2?');
    await expect(buildSubmission([agentName], { ...values, 'input-file': join(dir, 'input.txt') })).rejects.toThrow(/not both/);
    await expect(buildSubmission([agentName], noInput)).rejects.toThrow(/--input "<text>" \(or --input-file <path \| ->\) is required/);
    await expect(buildSubmission([agentName], { ...values, input: 'caf\uFFFD' })).rejects.toThrow(/U\+FFFD/);
  });

  it('refuses an agent file that is not valid UTF-8, and a bad --timeout before anything starts', async () => {
    const dir = await tempFolder('agentline-run');
    const path = join(dir, 'latin1.yaml');
    await writeFile(path, Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('_agent\ninstruction: Hi.\n')]));
    await expect(buildSubmission([path], values)).rejects.toThrow(/agent file .*latin1.yaml is not valid UTF-8 \(the first bad byte is at offset 9\)/);
    await expect(buildSubmission([agentName], { ...values, timeout: '0.001' })).rejects.toThrow(/--timeout must be a whole number/);
  });
});
