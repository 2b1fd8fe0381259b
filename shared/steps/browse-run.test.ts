import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import { ChromiumBrowser } from '../browser/browse-in-chromium.ts';
import { startBrowseTestSite, type BrowseTestSite } from '../testing/browse-test-site.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = { configYaml: 'name: surfer\nmodel: gemini-2.5-flash\ninstruction: Look things up.\ntools: [browse]\n', fileName: 'surfer.yaml' };

let site: BrowseTestSite;
let world: ReturnType<typeof createInMemoryWorld> | undefined;
beforeAll(async () => {
  site = await startBrowseTestSite();
});
afterAll(() => site.close());
afterEach(() => world?.close());

describe('a run with browse', { timeout: 60_000 }, () => {
  it("shows the model the page's text and its screenshot as an image on its next turn, and keeps the screenshot as the run's file", async () => {
    const artifacts = new InMemoryArtifactStore();
    const actions = [{ action: 'open', url: `${site.origin}/` }, { action: 'read_text', selector: 'h1' }, { action: 'screenshot' }];
    const model = new ScriptedModel([modelCalls([{ name: 'browse', args: { actions, name: 'home' } }]), modelText('seen')]);
    world = createInMemoryWorld({ model, artifacts, browser: new ChromiumBrowser({ allowLoopback: true }) });
    const run = await world.waitForRun(world.submit({ agent, input: 'What is on the home page?', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'seen' } });
    const [response, image] = model.requests[1]!.contents.at(-1)!.parts;
    expect(response!.functionResponse).toMatchObject({
      name: 'browse',
      response: { output: { title: 'Home', results: [{ action: 'open' }, { action: 'read_text', text: 'Welcome home' }, { action: 'screenshot', file: 'home.png', version: 0 }] } },
    });
    const stored = await artifacts.load({ userId: 'ada', runId: run.runId }, 'home.png');
    expect(image).toEqual({ inlineData: { mimeType: 'image/png', data: stored!.data.toString('base64') } });
  });
});
