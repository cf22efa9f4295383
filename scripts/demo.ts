/**
 * `npm run demo`: the whole product on one machine, with no manual steps.
 *
 * Starts the reference backend with a simulated organization, builds the
 * extension, opens Chromium (or Firefox, `--browser firefox`) with it loaded,
 * and signs in through the options page exactly as a supervisor would, with
 * the reference server's Stack Auth project (issue #10). With a
 * display it stays open until Ctrl-C; without one (or with `--headless`) it
 * runs for `--seconds`, then prints what a person would have seen and writes
 * screenshots. Every step is printed as it happens, and so is every alert
 * the extension shows (issue #9: it used to print nothing for 40 s).
 *
 * Flags: --browser chromium|firefox, --headless, --seconds N (default 40),
 * --port N (default 8787), --out DIR (default demo-output), --no-build, plus
 * the server's --sites, --units-per-site, --rate, --seed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { startServer, type RunningServer } from '../server/app';
import type { StackConfig } from '../lib/stack-auth';
import { ExtensionTab, signIn } from '../tests/support/firefox-extension';
import { stackSignIn } from '../tests/support/stack';
import { CHROMIUM, extensionArgs, serviceWorkerOf } from './chromium';
import { launchFirefox, type RunningFirefox } from './firefox';

const { values: flags } = parseArgs({
  options: {
    browser: { type: 'string', default: 'chromium' },
    headless: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '40' },
    port: { type: 'string', default: '8787' },
    out: { type: 'string', default: 'demo-output' },
    'no-build': { type: 'boolean', default: false },
    sites: { type: 'string', default: '3' },
    'units-per-site': { type: 'string', default: '8' },
    rate: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
  },
});

const EMAIL = 'demo@frostline.test';
const PASSWORD = 'frostline';
const headless = flags.headless || !process.env.DISPLAY;
const seconds = Number(flags.seconds);
const outDir = path.resolve(flags.out);
const startedAt = Date.now();

/** One progress line, with the seconds since start. */
function step(text: string): void {
  const s = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(5);
  console.info(`[${s} s] ${text}`);
}

/** What the demo needs from a browser with the extension, whichever it is. */
interface DemoBrowser {
  readonly name: string;
  /** Signs in through the options page with the server's Stack Auth project (#10). */
  signIn(serverUrl: string, stack: StackConfig): Promise<void>;
  /** Opens the popup (as a page) and returns its status line's text. */
  openPopup(): Promise<void>;
  popupStatus(): Promise<string>;
  badge(): Promise<{ text: string; title: string }>;
  notificationIds(): Promise<string[]>;
  screenshots(): Promise<string[]>;
  close(): Promise<void>;
}

async function chromiumDemo(extensionDir: string): Promise<DemoBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'frostline-demo-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    viewport: { width: 1100, height: 820 },
    args: extensionArgs(extensionDir),
  });
  const worker: Worker = await serviceWorkerOf(context);
  const base = `chrome-extension://${new URL(worker.url()).host}`;
  const options = await context.newPage();
  let popup: Page | null = null;
  return {
    name: 'Chromium',
    async signIn(serverUrl, stack) {
      await options.goto(`${base}/options.html`);
      await options.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
      await options.getByRole('textbox', { name: 'Project ID' }).fill(stack.projectId);
      await options
        .getByRole('textbox', { name: 'Publishable client key' })
        .fill(stack.publishableClientKey);
      await options.getByRole('textbox', { name: 'Auth API URL' }).fill(stack.apiUrl);
      await options.getByRole('textbox', { name: 'Email' }).fill(EMAIL);
      await options.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await options.getByRole('button', { name: 'Sign in', exact: true }).click();
      await options.getByText(/Signed in as/).waitFor({ timeout: 15_000 });
    },
    async openPopup() {
      popup = await context.newPage();
      await popup.setViewportSize({ width: 400, height: 600 });
      await popup.goto(`${base}/popup.html`);
    },
    async popupStatus() {
      if (popup === null) return '';
      return (await popup.getByRole('status').first().innerText()).replace(/\n/g, ' ');
    },
    badge: () =>
      worker.evaluate(async () => ({
        text: await chrome.action.getBadgeText({}),
        title: await chrome.action.getTitle({}),
      })),
    notificationIds: async () =>
      Object.keys(await worker.evaluate(() => chrome.notifications.getAll())),
    async screenshots() {
      const files = [path.join(outDir, 'popup.png'), path.join(outDir, 'options.png')];
      if (popup !== null) {
        await popup.reload();
        await popup.getByRole('status').first().waitFor();
        await popup.screenshot({ path: files[0], fullPage: true });
      }
      await options.reload();
      await options.screenshot({ path: files[1], fullPage: true });
      return files;
    },
    close: () => context.close(),
  };
}

async function firefoxDemo(extensionDir: string): Promise<DemoBrowser> {
  const firefox: RunningFirefox = await launchFirefox({ extensionDir, headless });
  let options: ExtensionTab | null = null;
  let popup: ExtensionTab | null = null;
  const page = () => popup ?? options;
  return {
    name: 'Firefox',
    async signIn(serverUrl, stack) {
      options = await ExtensionTab.open(firefox, 'options');
      await signIn(options, serverUrl, EMAIL, PASSWORD, { stack });
      await options.waitFor('button', 'Sign out', { timeoutMs: 15_000 });
    },
    async openPopup() {
      popup = await ExtensionTab.open(firefox, 'popup');
      await firefox.bidi.setViewport(popup.context, 400, 600);
    },
    popupStatus: async () => (popup === null ? '' : (await popup.statusText()).replace(/\n/g, ' ')),
    badge: async () => (await page()?.badge()) ?? { text: '', title: '' },
    notificationIds: async () => (await page()?.notifications()) ?? [],
    async screenshots() {
      const files: string[] = [];
      for (const [tab, name] of [
        [popup, 'popup.png'],
        [options, 'options.png'],
      ] as const) {
        if (tab === null) continue;
        await tab.reload();
        const file = path.join(outDir, name);
        await writeFile(file, await firefox.bidi.screenshot(tab.context, true));
        files.push(file);
      }
      return files;
    },
    close: () => firefox.close(),
  };
}

async function main(): Promise<void> {
  const browserName = flags.browser;
  if (browserName !== 'chromium' && browserName !== 'firefox') {
    throw new Error(`--browser must be chromium or firefox, not "${browserName}"`);
  }
  const port = Number(flags.port);
  let server: RunningServer;
  try {
    server = await startServer({
      port,
      host: '127.0.0.1',
      control: true,
      seed: Number(flags.seed),
      sites: Number(flags.sites),
      unitsPerSite: Number(flags['units-per-site']),
      // Units that never reported, listed as such (issue #10).
      neverReportedUnits: 2,
      rate: Number(flags.rate),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on 127.0.0.1 is already in use (another demo or \`npm run server\` still running?). ` +
          `Stop it, or pick another port: npm run demo -- --port ${port + 1}`,
      );
    }
    throw error;
  }
  step(`Reference backend up on ${server.url} (sign in as ${EMAIL} / ${PASSWORD})`);
  step(
    `Stack Auth: Project ID ${server.stack.projectId}, publishable client key ${server.stack.publishableClientKey}, Auth API URL ${server.stack.apiUrl}`,
  );

  const target = browserName === 'firefox' ? 'firefox-mv2' : 'chrome-mv3';
  const extensionDir = path.resolve('.output', target);
  if (!flags['no-build'] || !existsSync(extensionDir)) {
    step(`Building the extension for ${browserName}…`);
    const args = browserName === 'firefox' ? ['wxt', 'build', '-b', 'firefox'] : ['wxt', 'build'];
    execFileSync('npx', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    step(`Build done: ${path.relative(process.cwd(), extensionDir)}`);
  }

  const browser =
    browserName === 'firefox' ? await firefoxDemo(extensionDir) : await chromiumDemo(extensionDir);
  try {
    step(`${browser.name} launched${headless ? ' (headless)' : ''} with Frostline loaded`);
    await browser.signIn(server.url, server.stack);
    step('Signed in through Stack Auth on the options page');
    await browser.openPopup();
    const live = await waitUntil(async () => {
      const status = await browser.popupStatus();
      return /\bLive\b/.test(status) ? status : null;
    }, 20_000);
    step(live === null ? 'Not live after 20 s: see the popup status below' : `Live: ${live}`);

    if (!headless) {
      step(`${browser.name} is open with Frostline loaded. Press Ctrl-C to stop.`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      return;
    }
    await watchAlerts(server, browser, seconds * 1000);
    await report(browser);
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Runs the simulation for `ms`, injects one critical excursion on the way,
 * and prints each alert notification the extension shows as it appears.
 */
async function watchAlerts(server: RunningServer, browser: DemoBrowser, ms: number): Promise<void> {
  const names = await alertNames(server.url);
  const end = Date.now() + Math.max(ms, 5_000);
  const injectAt = Date.now() + Math.min(10_000, Math.max(ms, 5_000) / 3);
  let injected = false;
  const seen = new Set<string>();
  step(
    `Watching for ${Math.round((end - Date.now()) / 1000)} s; one critical alert will be injected…`,
  );
  while (Date.now() < end) {
    if (!injected && Date.now() >= injectAt && names.firstUnit !== null) {
      injected = true;
      server.control.injectAlert({
        unitId: names.firstUnit,
        severity: 'critical',
        alertType: 'alarm_active',
        message: 'Temperature above range for 10 minutes',
        temperature: 9.4,
        thresholdViolated: 'max',
      });
      step(`Injected a critical alert on ${names.unit(names.firstUnit)}`);
    }
    const ids = await browser.notificationIds().catch(() => [] as string[]);
    for (const id of ids) {
      if (seen.has(id) || !id.startsWith('alert:')) continue;
      seen.add(id);
      const alert = await names.alert(id.slice('alert:'.length));
      const badge = await browser.badge();
      step(`Alert seen: ${alert}; badge ${JSON.stringify(badge.text)}`);
    }
    await sleep(1_000);
  }
  if (seen.size === 0) step('No alert notification was seen');
}

/** Unit and alert names for the progress lines, read through REST as any client would. */
async function alertNames(base: string) {
  const login = await stackSignIn(base, EMAIL, PASSWORD);
  const get = async <T>(url: string): Promise<T> =>
    (await (
      await fetch(base + url, { headers: { Authorization: `Bearer ${login.accessToken}` } })
    ).json()) as T;
  const me = await get<{ primaryOrganizationId: string }>('/api/auth/me');
  const org = me.primaryOrganizationId;
  const units = new Map<string, string>();
  for (const site of await get<{ id: string; name: string }[]>(`/api/orgs/${org}/sites`)) {
    for (const area of await get<{ id: string }[]>(`/api/orgs/${org}/sites/${site.id}/areas`)) {
      const list = await get<{ id: string; name: string }[]>(
        `/api/orgs/${org}/sites/${site.id}/areas/${area.id}/units`,
      );
      for (const u of list) units.set(u.id, `${u.name} (${site.name})`);
    }
  }
  const unit = (id: string) => units.get(id) ?? id;
  return {
    firstUnit: units.keys().next().value ?? null,
    unit,
    async alert(id: string): Promise<string> {
      const all = await get<{ id: string; unitId: string; severity: string; message: string }[]>(
        `/api/orgs/${org}/alerts?limit=1000`,
      );
      const found = all.find((a) => a.id === id);
      return found === undefined
        ? id
        : `${found.severity} · ${unit(found.unitId)} · ${found.message}`;
    },
  };
}

async function report(browser: DemoBrowser): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const badge = await browser.badge();
  const notifications = await browser.notificationIds();
  const status = await browser.popupStatus();
  const files = await browser.screenshots();
  console.info(`\nWhat a supervisor would have seen (${browser.name}):`);
  console.info(`  Badge:          ${JSON.stringify(badge.text)}`);
  console.info(`  Badge tooltip:  ${badge.title.replace(/\n/g, ' | ')}`);
  console.info(`  Popup status:   ${status}`);
  // Firefox's own notification windows close after 20 s; Chromium's stay listed.
  const closed = browser.name === 'Firefox' ? '; Firefox closes each after 20 s' : '';
  console.info(
    `  Notifications:  ${notifications.length} open (${notifications.join(', ') || 'none'})${closed}`,
  );
  console.info(`  Screenshots:    ${files.join(', ')}`);
}

async function waitUntil<T>(read: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => null);
    if (value !== null) return value;
    await sleep(200);
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
