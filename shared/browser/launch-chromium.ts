import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { defaultChromiumPath } from './chromium-path.ts';


/** How long a browser has to close before it is killed. */
const closeTimeoutMs = 2_000;

/** The unprivileged user Chromium runs as when we are root (Debian's `nobody`). */
const nobody = 65534;

export interface LaunchChromiumOptions {
  /** The guarded proxy every request must go through. */
  proxyUrl: string;
  executablePath?: string;
  viewport: { width: number; height: number };
  /** How long Chromium may take to start (default 30 s). */
  timeoutMs?: number;
}

export interface LaunchedChromium {
  browser: Browser;
  /** Its profile folder, deleted by `close`. */
  profile: string;
  /** Ends the browser and deletes its profile: nothing of one call is left for the next. */
  close(): Promise<void>;
}

/**
 * Starts a fresh headless Chromium for one call (docs/architecture.md, "Browser"):
 * - its own empty profile in a temporary folder, deleted after;
 * - with Chromium's own sandbox: when we are root (CI, the local stack in a container), Chromium
 *   is started as `nobody` through `setpriv`, since Chromium refuses to sandbox itself as root;
 * - every request through the guarded proxy, loopback included (`<-loopback>` removes Chromium's
 *   implicit bypass), and WebRTC kept off UDP that would skip the proxy (a profile preference);
 * - none of our environment (credentials, settings): only PATH, HOME and the locale;
 * - talking over a pipe, so a Chromium whose parent died reads end-of-file and exits.
 */
export async function launchChromium(options: LaunchChromiumOptions): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'agentline-browser-'));
  // WebRTC would send UDP (STUN) straight to any address, past the proxy: Chromium honours only
  // this profile preference for it (its command-line flag does nothing in Debian's build).
  await mkdir(join(profile, 'Default'));
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ webrtc: { ip_handling_policy: 'disable_non_proxied_udp', multiple_routes_enabled: false, nonproxied_udp_enabled: false } }));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chownTree(profile);
  const executable = options.executablePath ?? defaultChromiumPath;
  const chromiumArgs = await puppeteer.defaultArgs({
    headless: true,
    userDataDir: profile,
    args: [
      `--proxy-server=${options.proxyUrl}`,
      '--proxy-bypass-list=<-loopback>',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-default-browser-check',
      `--window-size=${options.viewport.width},${options.viewport.height}`,
    ],
  });
  const command = asRoot
    ? { executablePath: '/usr/bin/setpriv', args: [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', '--', executable, ...chromiumArgs] }
    : { executablePath: executable, args: chromiumArgs };
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      ...command,
      ignoreDefaultArgs: true,
      pipe: true,
      defaultViewport: options.viewport,
      env: { PATH: '/usr/bin:/bin', HOME: profile, LANG: 'C.UTF-8' },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: options.timeoutMs ?? 30_000,
      // No protocol command of ours waits longer than a call may last.
      protocolTimeout: 60_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    profile,
    async close() {
      // A wedged browser (a renderer spinning in a page's loop) may never answer its close.
      let timer: NodeJS.Timeout | undefined;
      const closed = browser.close().then(() => true, () => false);
      const answered = await Promise.race([closed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), closeTimeoutMs)))]);
      clearTimeout(timer);
      if (!answered) browser.process()?.kill('SIGKILL');
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The profile folder and what we wrote in it, handed to the user Chromium runs as. */
async function chownTree(profile: string): Promise<void> {
  for (const path of [profile, join(profile, 'Default'), join(profile, 'Default', 'Preferences')]) await chown(path, nobody, nobody);
}
