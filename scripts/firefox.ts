/**
 * The system Firefox with the built extension installed, as the Firefox
 * end-to-end suite and `npm run demo -- --browser firefox` start it (issue
 * #12). No browser is downloaded and no geckodriver is needed: Debian's
 * `firefox-esr` (or `FIREFOX_PATH`) is driven over WebDriver BiDi by the small
 * client in `tests/support/bidi.ts`.
 *
 * What a run needs, and why:
 * - `--remote-allow-system-access`: without it BiDi may not navigate to
 *   `moz-extension://` pages;
 * - `extensions.webextensions.uuids`: a fixed internal UUID, so the pages'
 *   URLs are known before the add-on is installed;
 * - `alerts.useSystemBackend` false: Firefox's own notification windows;
 *   headless, the system backend closes every notification at once and
 *   `notifications.getAll()` is always empty (Firefox's own windows close
 *   after 20 s, so read them within that);
 * - `devtools.console.stdout.content`: the extension's console lines reach
 *   stdout, where the tests collect them (no token may ever appear there).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BidiSession } from '../tests/support/bidi';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The add-on id of the Firefox build (`browser_specific_settings.gecko.id`). */
export const FIREFOX_ADDON_ID = 'frostline@frostline.app';
/** The internal UUID the profile gives the add-on: its pages live under this origin. */
export const FIREFOX_EXTENSION_UUID = '3f9c1a52-7d4e-4b8a-9e61-0c2f5b8d7a14';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

export interface RunningFirefox {
  bidi: BidiSession;
  /** Every line Firefox wrote to stdout and stderr (console output included). */
  lines: string[];
  /** `moz-extension://…/popup.html` and friends. */
  pageUrl(name: 'popup' | 'options'): string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The unpacked build (`.output/firefox-mv2`). */
  extensionDir: string;
  headless?: boolean;
  /** Extra `user.js` prefs (tests use them for timeouts). */
  prefs?: Record<string, string | number | boolean>;
}

const BASE_PREFS: Record<string, string | number | boolean> = {
  'extensions.webextensions.uuids': JSON.stringify({
    [FIREFOX_ADDON_ID]: FIREFOX_EXTENSION_UUID,
  }),
  'alerts.useSystemBackend': false,
  'devtools.console.stdout.content': true,
  // A quiet profile: no first-run pages, no network calls of Firefox's own.
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'messaging-system.rsexperimentloader.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.update.enabled': false,
  'browser.safebrowsing.update.enabled': false,
};

function userJs(prefs: Record<string, string | number | boolean>): string {
  return Object.entries(prefs)
    .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
    .join('\n');
}

/** Starts Firefox on a fresh profile, connects BiDi, installs the extension. */
export async function launchFirefox(options: LaunchOptions): Promise<RunningFirefox> {
  const profile = await mkdtemp(path.join(tmpdir(), 'frostline-firefox-'));
  await writeFile(
    path.join(profile, 'user.js'),
    userJs({ ...BASE_PREFS, ...options.prefs }),
    'utf8',
  );
  const args = [
    '--no-remote',
    '--profile',
    profile,
    '--remote-debugging-port',
    '0',
    '--remote-allow-system-access',
  ];
  if (options.headless ?? true) args.unshift('--headless');
  const child = spawn(FIREFOX, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  const lines: string[] = [];
  const wsUrl = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Firefox did not start BiDi within 30 s:\n${lines.join('\n')}`)),
      30_000,
    );
    const onLine = (line: string) => {
      lines.push(line);
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    collectLines(child, onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Firefox exited (${code}) before BiDi started:\n${lines.join('\n')}`));
    });
  });

  let bidi: BidiSession;
  try {
    bidi = await BidiSession.connect(`${await wsUrl}/session`);
    await bidi.installExtension(path.resolve(options.extensionDir));
  } catch (error) {
    child.kill('SIGKILL');
    await rm(profile, { recursive: true, force: true });
    throw error;
  }

  return {
    bidi,
    lines,
    pageUrl: (name) => `${FIREFOX_ORIGIN}/${name}.html`,
    async close() {
      await Promise.race([bidi.end(), sleep(2_000)]);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await rm(profile, { recursive: true, force: true });
    },
  };
}

function collectLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) onLine(line);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
