import { test, expect, badgeOf, DEMO } from './support/fixtures';
import { OptionsPage } from './support/pages';

test('the worker signs in, connects with the token in the handshake auth, and the badge leaves its first state', async ({
  server,
  worker,
  openExtensionPage,
  consoleLines,
}) => {
  // Before anyone signs in, monitoring is off and the badge says so.
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('!');

  const options = new OptionsPage(await openExtensionPage('options'));
  await options.signIn(server.url, DEMO.email, DEMO.password);
  await options.expectSignedIn();

  // The server saw an authenticated socket for the demo user...
  await expect
    .poll(() => server.control.state().sockets.filter((s) => s.email === DEMO.email).length)
    .toBe(1);
  // ...and the token travelled in `auth`, never in a URL.
  const requests = server.control.requests();
  expect(requests.some((r) => r.url.includes('/socket.io/'))).toBe(true);
  expect(requests.filter((r) => r.redacted)).toEqual([]);
  expect(requests.map((r) => r.url).join('\n')).not.toMatch(/eyJ/);

  // Live with no alerts: a clean toolbar, and a tooltip saying so.
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');
  expect((await badgeOf(worker)).title).toMatch(/live/i);
  expect(consoleLines.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
});
