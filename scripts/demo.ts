/**
 * `npm run demo`: the whole product on one machine, with no manual steps.
 *
 * Starts the reference backend with a simulated organization, builds the
 * extension, opens Chromium with it loaded, and signs in through the options
 * page exactly as a supervisor would. With a display it stays open until
 * Ctrl-C; without one (or with `--headless`) it runs for `--seconds`, then
 * prints what a person would have seen and writes screenshots.
 *
 * Flags: --headless, --seconds N (default 40), --port N (default 8787),
 * --out DIR (default demo-output), --no-build, plus the server's --sites,
 * --units-per-site, --rate, --seed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page, type Worker } from '@playwright/test';
import { startServer } from '../server/app';
import { CHROMIUM, extensionArgs, serviceWorkerOf } from './chromium';

const { values: flags } = parseArgs({
  options: {
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
const extensionDir = path.resolve('.output/chrome-mv3');
const headless = flags.headless || !process.env.DISPLAY;
const seconds = Number(flags.seconds);
const outDir = path.resolve(flags.out);

async function main(): Promise<void> {
  const server = await startServer({
    port: Number(flags.port),
    host: '127.0.0.1',
    control: true,
    seed: Number(flags.seed),
    sites: Number(flags.sites),
    unitsPerSite: Number(flags['units-per-site']),
    rate: Number(flags.rate),
  });
  console.info(`Reference backend: ${server.url}  (sign-in ${EMAIL} / ${PASSWORD})`);

  if (!flags['no-build'] || !existsSync(extensionDir)) {
    console.info('Building the extension…');
    execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
  }

  const profile = await mkdtemp(path.join(tmpdir(), 'frostline-demo-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    viewport: { width: 1100, height: 820 },
    args: extensionArgs(extensionDir),
  });
  const worker = await serviceWorkerOf(context);
  const extensionId = new URL(worker.url()).host;

  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await options.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
  await options.getByRole('textbox', { name: 'Email' }).fill(EMAIL);
  await options.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await options.getByRole('button', { name: 'Sign in', exact: true }).click();
  await options.getByText(/Signed in as/).waitFor({ timeout: 15_000 });
  console.info('Signed in through the options page; the worker is connecting.');

  const popup = await context.newPage();
  await popup.setViewportSize({ width: 400, height: 600 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);

  if (!headless) {
    console.info('Chromium is open with Frostline loaded. Press Ctrl-C to stop.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  } else {
    // Let the simulation run, and show the alert path with one injected excursion.
    await sleep(Math.min(10, seconds / 3) * 1000);
    const unit = await firstUnit(server.url);
    if (unit !== null) {
      server.control.injectAlert({
        unitId: unit,
        severity: 'critical',
        alertType: 'alarm_active',
        message: 'Temperature above range for 10 minutes',
        temperature: 9.4,
        thresholdViolated: 'max',
      });
    }
    await sleep(Math.max(0, seconds * 1000 - 10_000));
    await report(worker, popup, options);
  }
  await context.close();
  await server.close();
}

/** The first unit of the demo organization, found through the REST API like any client. */
async function firstUnit(base: string): Promise<string | null> {
  const get = async (url: string, token: string): Promise<unknown> =>
    (await fetch(base + url, { headers: { Authorization: `Bearer ${token}` } })).json();
  const login = (await (
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
  ).json()) as { accessToken: string };
  const me = (await get('/api/auth/me', login.accessToken)) as { primaryOrganizationId: string };
  const org = me.primaryOrganizationId;
  const sites = (await get(`/api/orgs/${org}/sites`, login.accessToken)) as { id: string }[];
  const site = sites[0]?.id;
  if (site === undefined) return null;
  const areas = (await get(`/api/orgs/${org}/sites/${site}/areas`, login.accessToken)) as {
    id: string;
  }[];
  const area = areas[0]?.id;
  if (area === undefined) return null;
  const units = (await get(
    `/api/orgs/${org}/sites/${site}/areas/${area}/units`,
    login.accessToken,
  )) as {
    id: string;
  }[];
  return units[0]?.id ?? null;
}

async function report(worker: Worker, popup: Page, options: Page): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const badge = await worker.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    title: await chrome.action.getTitle({}),
  }));
  const notifications = await worker.evaluate(() => chrome.notifications.getAll());
  await popup.reload();
  await popup.getByRole('status').first().waitFor();
  const status = await popup.getByRole('status').first().innerText();
  await popup.screenshot({ path: path.join(outDir, 'popup.png'), fullPage: true });
  await options.reload();
  await options.screenshot({ path: path.join(outDir, 'options.png'), fullPage: true });
  console.info('\nWhat a supervisor would have seen:');
  console.info(`  Badge:          ${JSON.stringify(badge.text)}`);
  console.info(`  Badge tooltip:  ${badge.title.replace(/\n/g, ' | ')}`);
  console.info(`  Popup status:   ${status.replace(/\n/g, ' ')}`);
  console.info(
    `  Notifications:  ${Object.keys(notifications).length} (${Object.keys(notifications).join(', ') || 'none'})`,
  );
  console.info(
    `  Screenshots:    ${path.join(outDir, 'popup.png')}, ${path.join(outDir, 'options.png')}`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
