import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSubmission } from './run-command.ts';

const agentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/calc';
const values = { input: '2+2?', timeout: '300', user: 'ada' };

describe('agentline run <agent>', () => {
  it('submits a registered agent by its resource name, with the user id', async () => {
    const submission = await buildSubmission([agentName], values);
    expect(submission).toMatchObject({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
  });

  it('submits the YAML of an agent file, validated locally', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentline-run-'));
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
