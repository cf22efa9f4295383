/**
 * Issue #10: signing in through Stack Auth from the options page, by label,
 * against the reference server's Stack Auth-shaped identity API: the session
 * stays Live while short-lived access tokens are renewed, signing out revokes
 * the Stack session, and a wrong password says so.
 */
import { test, expect, badgeOf, DEMO } from './support/fixtures';
import { OptionsPage, Popup } from './support/pages';
import { STACK_REFRESH_PATH, referenceStack } from '../support/stack';
import { STACK_HEADERS, stackPaths } from '../../lib/stack-auth';
import type { RunningServer } from '../../server/app';

const refreshes = (server: RunningServer) =>
  server.control.requests().filter((r) => r.url === STACK_REFRESH_PATH).length;

test('signs in with the Stack Auth project fields and never uses the development login', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const page = await openExtensionPage('options');
  await expect(page.getByRole('textbox', { name: 'Auth API URL' })).toHaveValue(
    'https://api.stack-auth.com',
  );
  const options = new OptionsPage(page);
  await options.signIn(server.url, DEMO.email, DEMO.password, true);
  await options.expectSignedIn();
  await expect(page.getByText(server.stack.projectId)).toBeVisible();
  await expect.poll(async () => (await badgeOf(worker)).title).toMatch(/live/i);
  const urls = server.control.requests().map((r) => r.url);
  expect(urls).toContain(`/stack${stackPaths.signIn}`);
  expect(urls.filter((url) => url.startsWith('/api/auth/login'))).toEqual([]);
});

test.describe('short-lived access tokens', () => {
  // Renewed 30 s before expiry: a 34 s token is renewed every ~4 s.
  test.use({
    serverOptions: {
      control: true,
      simulate: false,
      sites: 2,
      unitsPerSite: 4,
      tokenTtlSeconds: 34,
    },
  });

  test('renews the access token through Stack Auth before it expires and stays Live', async ({
    server,
    worker,
    openExtensionPage,
  }) => {
    const options = new OptionsPage(await openExtensionPage('options'));
    await options.signIn(server.url, DEMO.email, DEMO.password);
    await options.expectSignedIn();
    await expect.poll(async () => (await badgeOf(worker)).title).toMatch(/live/i);
    await expect.poll(() => refreshes(server), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

    // Every token issued so far now answers "Token expired": REST and the next handshake
    // refuse it, and the extension renews through Stack Auth again instead of giving up.
    const before = refreshes(server);
    const accepted = server.control.counters().handshakes.accepted;
    server.control.expireTokens({ email: DEMO.email });
    await server.control.dropSockets('server-disconnect');
    await expect.poll(() => refreshes(server), { timeout: 20_000 }).toBeGreaterThan(before);
    await expect
      .poll(() => server.control.counters().handshakes.accepted, { timeout: 20_000 })
      .toBeGreaterThan(accepted);
    const popup = new Popup(await openExtensionPage('popup'));
    await expect(popup.status()).toHaveText(/^\W*Live\b/);
    expect((await badgeOf(worker)).text).not.toBe('!');
  });
});

test('signing out revokes the Stack Auth session: its refresh token stops working', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const page = await openExtensionPage('options');
  const options = new OptionsPage(page);
  await options.signIn(server.url, DEMO.email, DEMO.password, true);
  await options.expectSignedIn();
  // The refresh token the extension holds, read from the worker before signing out.
  const refreshToken = await worker.evaluate(async () => {
    const local = await chrome.storage.local.get('refreshToken');
    return local.refreshToken as string;
  });
  expect(refreshToken).toMatch(/^frt_/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect
    .poll(
      () =>
        server.control
          .requests()
          .filter((r) => r.method === 'DELETE' && r.url.startsWith('/stack/')).length,
    )
    .toBe(1);

  const stack = referenceStack(server.url);
  const refresh = await fetch(`${stack.apiUrl}${stackPaths.refresh}`, {
    method: 'POST',
    headers: {
      [STACK_HEADERS.accessType]: 'client',
      [STACK_HEADERS.projectId]: stack.projectId,
      [STACK_HEADERS.publishableClientKey]: stack.publishableClientKey,
      [STACK_HEADERS.refreshToken]: refreshToken,
    },
  });
  expect(refresh.status).toBe(401);
  expect(await refresh.json()).toMatchObject({ code: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED' });
});

test('a wrong password says so; a wrong project says to check it', async ({
  server,
  openExtensionPage,
}) => {
  const options = new OptionsPage(await openExtensionPage('options'));
  await options.signIn(server.url, DEMO.email, 'not-the-password');
  await expect(options.errorAlert()).toHaveText(
    'Wrong email or password. Check your email and password and try again.',
  );
  await expect(options.signedInAs()).toHaveCount(0);

  await options.signIn(server.url, DEMO.email, DEMO.password, false, {
    ...referenceStack(server.url),
    projectId: 'not-our-project',
  });
  await expect(options.errorAlert()).toContainText('Check the Stack Auth settings.');
  await expect(options.errorAlert()).toContainText('Project ID');
});
