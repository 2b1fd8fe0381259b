import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorNotInstalledError, locateEmulatorJars } from './emulator-jars.ts';

const nowhere = '/nonexistent/agentline';

const temporary: string[] = [];
afterAll(() => Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true }))));

async function temporaryDirectory(prefix: string): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(path);
  return path;
}

async function fakeSdk(): Promise<string> {
  const sdk = await temporaryDirectory('agentline-sdk-');
  await mkdir(join(sdk, 'platform/pubsub-emulator/lib'), { recursive: true });
  await mkdir(join(sdk, 'platform/cloud-firestore-emulator'), { recursive: true });
  await writeFile(join(sdk, 'platform/pubsub-emulator/lib/cloud-pubsub-emulator-0.8.20-all.jar'), '');
  await writeFile(join(sdk, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar'), '');
  return sdk;
}

describe('locateEmulatorJars', () => {
  it('names each missing jar, where it looked, and the Debian packages that provide it', async () => {
    const error = await locateEmulatorJars({
      AGENTLINE_PUBSUB_EMULATOR_JAR: `${nowhere}/pubsub.jar`,
      AGENTLINE_FIRESTORE_EMULATOR_JAR: `${nowhere}/firestore.jar`,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EmulatorNotInstalledError);
    expect((error as Error).message).toBe(
      [
        'The local stack runs the real Google Cloud emulators, and something is missing:',
        '  - Pub/Sub emulator: /nonexistent/agentline/pubsub.jar (from AGENTLINE_PUBSUB_EMULATOR_JAR) does not exist',
        '  - Firestore emulator: /nonexistent/agentline/firestore.jar (from AGENTLINE_FIRESTORE_EMULATOR_JAR) does not exist',
        'Install on Debian/Ubuntu: sudo apt-get install google-cloud-cli-pubsub-emulator google-cloud-cli-firestore-emulator',
        '  (or, with a standalone SDK: gcloud components install pubsub-emulator cloud-firestore-emulator),',
        '  or point AGENTLINE_GCLOUD_SDK_ROOT at the SDK, or AGENTLINE_PUBSUB_EMULATOR_JAR /',
        '  AGENTLINE_FIRESTORE_EMULATOR_JAR at the jars.',
      ].join('\n'),
    );
  });

  it('asks only for the emulator that is missing from the SDK', async () => {
    const sdk = await temporaryDirectory('agentline-sdk-');
    await mkdir(join(sdk, 'platform/pubsub-emulator/lib'), { recursive: true });
    await writeFile(join(sdk, 'platform/pubsub-emulator/lib/cloud-pubsub-emulator-0.8.20-all.jar'), '');

    const error = await locateEmulatorJars({ AGENTLINE_GCLOUD_SDK_ROOT: sdk }).catch((caught: unknown) => caught);

    expect((error as Error).message).toContain(`  - Firestore emulator: not found under ${sdk}/platform\n`);
    expect((error as Error).message).toContain('sudo apt-get install google-cloud-cli-firestore-emulator\n');
    expect((error as Error).message).not.toContain('Pub/Sub emulator:');
  });

  it('finds both jars in an SDK laid out like the Debian packages', async () => {
    const sdk = await fakeSdk();
    await expect(locateEmulatorJars({ AGENTLINE_GCLOUD_SDK_ROOT: sdk })).resolves.toEqual({
      pubsubJar: join(sdk, 'platform/pubsub-emulator/lib/cloud-pubsub-emulator-0.8.20-all.jar'),
      firestoreJar: join(sdk, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar'),
    });
  });

  it('finds the SDK of the gcloud on PATH through its symlink, without running it', async () => {
    const sdk = await fakeSdk();
    await mkdir(join(sdk, 'bin'));
    // A gcloud that fails if run: the SDK must be found from where it lives.
    await writeFile(join(sdk, 'bin/gcloud'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const bin = await temporaryDirectory('agentline-bin-');
    await symlink(join(sdk, 'bin/gcloud'), join(bin, 'gcloud'));

    await expect(locateEmulatorJars({ PATH: bin })).resolves.toEqual({
      pubsubJar: join(sdk, 'platform/pubsub-emulator/lib/cloud-pubsub-emulator-0.8.20-all.jar'),
      firestoreJar: join(sdk, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar'),
    });
  });

  it('says google-cloud-cli itself is missing when gcloud is not on PATH', async () => {
    const error = await locateEmulatorJars({ PATH: nowhere }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('google-cloud-cli: `gcloud` is not on PATH');
    expect((error as Error).message).toContain(
      'sudo apt-get install google-cloud-cli google-cloud-cli-pubsub-emulator google-cloud-cli-firestore-emulator',
    );
  });
});
