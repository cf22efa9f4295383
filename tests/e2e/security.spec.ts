/**
 * Security in real Chromium (issue #6).
 *
 * - Only the extension's own pages may talk to the background: a web page
 *   (served from a tiny 127.0.0.1 server) and a second, unpacked extension
 *   built here try `runtime.sendMessage` and `runtime.connect` to Frostline
 *   and get nothing.
 * - Tokens never leave where they belong: not in any URL the server saw
 *   (whole session: sign-in, REST, handshakes, a refresh), not in any
 *   console line of any page or the worker, not in the diagnostics text the
 *   options page copies, and the access token only in session storage.
 * - Plain http to a remote host is refused with a clear error.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { test, expect, DEMO, EXTENSION_DIR, CHROMIUM } from './support/fixtures';
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { OptionsPage } from './support/pages';
import { STACK_REFRESH_PATH } from '../support/stack';

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}/;

async function signIn(
  openExtensionPage: (n: 'options') => Promise<import('@playwright/test').Page>,
  url: string,
  keep = false,
) {
  const options = new OptionsPage(await openExtensionPage('options'));
  await options.signIn(url, DEMO.email, DEMO.password, keep);
  await options.expectSignedIn();
  return options;
}

async function staticServer(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test('a web page cannot message or connect to the background', async ({
  context,
  extensionId,
  server,
  openExtensionPage,
}) => {
  await signIn(openExtensionPage, server.url);
  const site = await staticServer('<!doctype html><title>attacker</title><p>hello</p>');
  try {
    const page = await context.newPage();
    await page.goto(site.url);
    const outcome = await page.evaluate(async (id) => {
      const w = window as unknown as {
        chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } };
      };
      const runtime = w.chrome?.runtime as
        | {
            sendMessage?: (id: string, m: unknown) => Promise<unknown>;
            connect?: (
              id: string,
              i: unknown,
            ) => { onMessage: { addListener(f: (m: unknown) => void): void } };
          }
        | undefined;
      const result: { runtime: boolean; send: string; connect: string } = {
        runtime: runtime !== undefined,
        send: 'n/a',
        connect: 'n/a',
      };
      if (runtime?.sendMessage) {
        try {
          const answer = await runtime.sendMessage(id, { type: 'snapshot' });
          result.send = `answered: ${JSON.stringify(answer)}`;
        } catch (error) {
          result.send = `refused: ${String(error)}`;
        }
      }
      if (runtime?.connect) {
        try {
          const port = runtime.connect(id, { name: 'frostline:live' });
          const got = await new Promise<string>((resolve) => {
            port.onMessage.addListener((m) => resolve(`data: ${JSON.stringify(m).slice(0, 80)}`));
            setTimeout(() => resolve('no data'), 2_000);
          });
          result.connect = got;
        } catch (error) {
          result.connect = `refused: ${String(error)}`;
        }
      }
      return result;
    }, extensionId);
    // Without externally_connectable, pages do not even get the messaging API.
    expect(outcome.send).not.toMatch(/^answered/);
    expect(outcome.connect).not.toMatch(/^data/);
  } finally {
    site.server.close();
  }
});

test('another extension cannot message or connect to the background', async ({ server }) => {
  // Our own browser with both extensions: Frostline and a small unpacked prober.
  const dir = await mkdtemp(path.join(tmpdir(), 'frostline-prober-'));
  const profile = await mkdtemp(path.join(tmpdir(), 'frostline-prober-profile-'));
  let context: BrowserContext | null = null;
  try {
    await writeFile(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Prober',
        version: '1.0',
        background: { service_worker: 'sw.js' },
      }),
    );
    await writeFile(
      path.join(dir, 'sw.js'),
      '// probes are run from the test through evaluate()\n',
    );
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        `--disable-extensions-except=${EXTENSION_DIR},${dir}`,
        `--load-extension=${EXTENSION_DIR},${dir}`,
        '--no-sandbox',
        '--disable-gpu',
      ],
    });
    const workers = async () =>
      context?.serviceWorkers().filter((w) => w.url().startsWith('chrome-extension://')) ?? [];
    await expect.poll(async () => (await workers()).length, { timeout: 15_000 }).toBe(2);
    const all = await workers();
    const frostline = all.find((w) => w.url().includes('background.js')) as Worker;
    const prober = all.find((w) => w.url().endsWith('/sw.js')) as Worker;
    const frostlineId = new URL(frostline.url()).host;
    // Sign in Frostline so there is something worth stealing.
    const page = await context.newPage();
    await page.goto(`chrome-extension://${frostlineId}/options.html`);
    const options = new OptionsPage(page);
    await options.signIn(server.url, DEMO.email, DEMO.password);
    await options.expectSignedIn();

    const outcome = await prober.evaluate(async (id) => {
      const result = { send: '', connect: '' };
      try {
        const answer: unknown = await chrome.runtime.sendMessage(id, { type: 'snapshot' });
        result.send =
          answer === undefined ? 'no answer' : `answered: ${JSON.stringify(answer).slice(0, 80)}`;
      } catch (error) {
        result.send = `refused: ${String(error)}`;
      }
      try {
        const port = chrome.runtime.connect(id, { name: 'frostline:live' });
        result.connect = await new Promise<string>((resolve) => {
          port.onMessage.addListener((m) => resolve(`data: ${JSON.stringify(m).slice(0, 80)}`));
          port.onDisconnect.addListener(() =>
            resolve(`disconnected: ${chrome.runtime.lastError?.message ?? ''}`),
          );
          setTimeout(() => resolve('no data'), 3_000);
        });
      } catch (error) {
        result.connect = `refused: ${String(error)}`;
      }
      return result;
    }, frostlineId);
    console.info(`[security] second extension: ${JSON.stringify(outcome)}`);
    expect(outcome.send).not.toMatch(/^answered/);
    expect(outcome.connect).not.toMatch(/^data/);
  } finally {
    await context?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
});

test.describe('tokens stay where they belong', () => {
  test('never in a URL, a console line or the diagnostics; the access token only in session storage', async ({
    server,
    worker,
    context,
    openExtensionPage,
    consoleLines,
  }) => {
    const options = await signIn(openExtensionPage, server.url, true);
    await expect.poll(async () => server.control.state().sockets.length).toBe(1);
    // A whole session: REST calls, an alert, an expired token refused at the next handshake,
    // a refresh, and a reconnect that handshakes with the renewed token.
    const refreshesBefore = server.control
      .requests()
      .filter((r) => r.url.includes(STACK_REFRESH_PATH)).length;
    server.control.injectAlert({ unitId: 'unit-nw-1-01', message: 'token check' });
    server.control.expireTokens({ email: DEMO.email });
    await server.control.dropSockets('server-disconnect');
    await expect
      .poll(
        () => server.control.requests().filter((r) => r.url.includes(STACK_REFRESH_PATH)).length,
        { timeout: 30_000 },
      )
      .toBeGreaterThan(refreshesBefore);
    await expect
      .poll(async () => server.control.state().sockets.length, { timeout: 20_000 })
      .toBe(1);
    const popup = await openExtensionPage('popup');
    await expect(popup.getByRole('region', { name: 'Active alerts' })).toBeVisible();

    const requests = server.control.requests();
    expect(requests.some((r) => r.url.includes('/api/'))).toBe(true);
    expect(requests.filter((r) => r.redacted)).toEqual([]);
    expect(requests.map((r) => r.url).join('\n')).not.toMatch(/eyJ/);

    // The stored tokens, read from the worker.
    const stored = await worker.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      session: await chrome.storage.session.get(null),
    }));
    const sessionText = JSON.stringify(stored.session);
    const access = JWT.exec(sessionText)?.[0];
    expect(access, 'the access token is in session storage').toBeDefined();
    expect(JSON.stringify(stored.local)).not.toContain(access ?? 'no-token');
    expect(JSON.stringify(stored.local)).not.toMatch(JWT);

    // Diagnostics as the options page copies them, and as the command returns them.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await options.page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect(options.page.getByText('Copied')).toBeVisible();
    const copied = await options.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/Frostline/);
    expect(copied).not.toMatch(JWT);
    expect(copied).not.toContain(access ?? 'no-token');
    const fromCommand = await options.page.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'diagnostics-text' }),
    );
    expect(JSON.stringify(fromCommand)).not.toMatch(JWT);

    expect(consoleLines.join('\n')).not.toMatch(JWT);
    expect(consoleLines.join('\n')).not.toMatch(/frt_/);
  });
});

test('plain http to a remote server is refused with a clear error', async ({
  openExtensionPage,
}) => {
  const page = await openExtensionPage('options');
  const answer = await page.evaluate(() =>
    chrome.runtime.sendMessage({
      type: 'sign-in',
      serverUrl: 'http://example.com',
      email: 'demo@frostline.test',
      password: 'frostline',
      keepSignedIn: false,
      stack: {
        projectId: 'p',
        publishableClientKey: 'pck_p',
        apiUrl: 'https://api.stack-auth.com',
      },
    }),
  );
  expect(answer).toMatchObject({ ok: false, error: { code: 'insecure-url' } });
  expect((answer as { error: { message: string } }).error.message).toMatch(/https/);
  // And through the form, as a person would: the field is marked invalid and says why.
  const options = new OptionsPage(page);
  await options.signIn('http://example.com', 'demo@frostline.test', 'frostline');
  await expect(page.getByRole('textbox', { name: 'Server URL' })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expect(page.getByText(/Use https:\/\/ for this server/)).toBeVisible();
  await expect(page.getByRole('status').first()).toHaveText(/Signed out/);
});
