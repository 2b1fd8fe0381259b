import { execFile } from 'node:child_process';
import { access, readdir, realpath } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** Where the installed emulator jars are. */
export interface EmulatorJars {
  pubsubJar: string;
  firestoreJar: string;
}

/** An emulator (or the SDK holding it) is not installed; the message says what to install. */
export class EmulatorNotInstalledError extends Error {
  readonly missing: readonly string[];
  constructor(missing: readonly string[], packages: readonly string[], components: readonly string[]) {
    super(
      [
        'The local stack runs the real Google Cloud emulators, and something is missing:',
        ...missing.map((line) => `  - ${line}`),
        `Install on Debian/Ubuntu: sudo apt-get install ${packages.join(' ')}`,
        `  (or, with a standalone SDK: gcloud components install ${components.join(' ')}),`,
        '  or point AGENTLINE_GCLOUD_SDK_ROOT at the SDK, or AGENTLINE_PUBSUB_EMULATOR_JAR /',
        '  AGENTLINE_FIRESTORE_EMULATOR_JAR at the jars.',
      ].join('\n'),
    );
    this.name = 'EmulatorNotInstalledError';
    this.missing = missing;
  }
}

const emulators = {
  pubsub: { label: 'Pub/Sub emulator', apt: 'google-cloud-cli-pubsub-emulator', component: 'pubsub-emulator' },
  firestore: { label: 'Firestore emulator', apt: 'google-cloud-cli-firestore-emulator', component: 'cloud-firestore-emulator' },
} as const;
type Emulator = keyof typeof emulators;

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function gcloudSdkRoot(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // `gcloud info` is the authority but costs ~0.4 s of Python start-up on every stack start. An
  // SDK's own bin/gcloud (Debian links /usr/bin/gcloud to it) sits right below the root, so look
  // there first and ask gcloud only when that is not an SDK.
  for (const directory of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const gcloud = await realpath(join(directory, 'gcloud')).catch(() => undefined);
    if (gcloud === undefined) continue;
    const root = dirname(dirname(gcloud));
    if (await exists(join(root, 'platform'))) return root;
    break;
  }
  const { stdout } = await promisify(execFile)('gcloud', ['info', '--format=value(installation.sdk_root)'], { env });
  return stdout.trim() || undefined;
}

async function jarInSdk(emulator: Emulator, sdkRoot: string): Promise<string | undefined> {
  if (emulator === 'firestore') {
    const jar = join(sdkRoot, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar');
    return (await exists(jar)) ? jar : undefined;
  }
  const lib = join(sdkRoot, 'platform/pubsub-emulator/lib');
  const names = await readdir(lib).catch(() => [] as string[]);
  const jar = names.filter((name) => /^cloud-pubsub-emulator-.+-all\.jar$/.test(name)).sort().at(-1);
  return jar === undefined ? undefined : join(lib, jar);
}

/**
 * Finds the emulator jars: `AGENTLINE_PUBSUB_EMULATOR_JAR` / `AGENTLINE_FIRESTORE_EMULATOR_JAR` if
 * set, else inside the SDK at `AGENTLINE_GCLOUD_SDK_ROOT` or, failing that, the SDK of the
 * `gcloud` on PATH (`gcloud info`'s `installation.sdk_root`). Throws one
 * {@link EmulatorNotInstalledError} naming everything missing and the packages that provide it.
 */
export async function locateEmulatorJars(env: NodeJS.ProcessEnv = process.env): Promise<EmulatorJars> {
  const overrides: Record<Emulator, string | undefined> = {
    pubsub: env.AGENTLINE_PUBSUB_EMULATOR_JAR || undefined,
    firestore: env.AGENTLINE_FIRESTORE_EMULATOR_JAR || undefined,
  };
  let sdkRoot: string | undefined;
  let sdkProblem: string | undefined;
  if (!overrides.pubsub || !overrides.firestore) {
    sdkRoot = env.AGENTLINE_GCLOUD_SDK_ROOT || (await gcloudSdkRoot(env).catch(() => undefined));
    if (!sdkRoot) sdkProblem = 'google-cloud-cli: `gcloud` is not on PATH and AGENTLINE_GCLOUD_SDK_ROOT is not set';
  }

  const find = async (emulator: Emulator): Promise<{ jar?: string; problem?: string }> => {
    const { label } = emulators[emulator];
    const override = overrides[emulator];
    if (override) {
      if (await exists(override)) return { jar: override };
      return { problem: `${label}: ${override} (from AGENTLINE_${emulator.toUpperCase()}_EMULATOR_JAR) does not exist` };
    }
    const jar = sdkRoot && (await jarInSdk(emulator, sdkRoot));
    if (jar) return { jar };
    return { problem: sdkRoot ? `${label}: not found under ${sdkRoot}/platform` : `${label}: no SDK to look in` };
  };
  const names = ['pubsub', 'firestore'] as const;
  const [pubsub, firestore] = await Promise.all(names.map(find));
  if (!pubsub?.jar || !firestore?.jar) {
    const missing = names.filter((_, index) => [pubsub, firestore][index]?.problem);
    throw new EmulatorNotInstalledError(
      [sdkProblem, pubsub?.problem, firestore?.problem].filter((problem) => problem !== undefined),
      [...(sdkProblem ? ['google-cloud-cli'] : []), ...missing.map((emulator) => emulators[emulator].apt)],
      missing.map((emulator) => emulators[emulator].component),
    );
  }
  return { pubsubJar: pubsub.jar, firestoreJar: firestore.jar };
}
