/**
 * Faults only a real browser shows (issue #6):
 * - case 3: the service worker is stopped (CDP `ServiceWorker.stopAllWorkers`)
 *   again and again, alerts arriving while it is stopped and while it runs:
 *   each time it comes back, the state is whole, and nothing is notified twice;
 * - case 7: the browser restarts on the same profile: with "Keep me signed in"
 *   monitoring resumes by itself; without it the badge says monitoring is off.
 *
 * "Notified twice" is read from what the worker persists: `notified` maps each
 * alert id to when its notification was shown (re-notify is off by default),
 * so a second notification of the same alert changes its time.
 */
import type { BrowserContext, Worker } from '@playwright/test';
import { test, expect, badgeOf, DEMO, launchExtension, serviceWorkerOf } from '../support/fixtures';
import { OptionsPage } from '../support/pages';
import { workerStopper } from '../support/workers';

const FULL = process.env.FROSTLINE_FAULTS === 'full';
const STOPS = FULL ? 20 : 4;
const UNITS = ['unit-nw-1-01', 'unit-nw-1-02', 'unit-nw-2-01', 'unit-nw-2-02'];

async function currentWorker(context: BrowserContext): Promise<Worker> {
  // After a stop, Playwright hands out the new worker once it runs again.
  return serviceWorkerOf(context);
}

async function notifiedMap(worker: Worker): Promise<Record<string, number>> {
  return worker.evaluate(async () => {
    const all = await chrome.storage.local.get('notified');
    return (all.notified ?? {}) as Record<string, number>;
  });
}

test(`service worker stopped ${STOPS} times, alerts during and between stops: back every time, state whole, nothing notified twice`, async ({
  context,
  server,
  worker: firstWorker,
  extensionId,
  openExtensionPage,
}) => {
  test.setTimeout(FULL ? 600_000 : 180_000);
  const options = new OptionsPage(await openExtensionPage('options'));
  await options.signIn(server.url, DEMO.email, DEMO.password);
  await options.expectSignedIn();
  await expect.poll(() => server.control.state().sockets.length).toBe(1);
  let worker = firstWorker;
  // A plain page drives CDP, so stopping workers never touches the pages under test.
  const stopper = await workerStopper(await context.newPage(), extensionId);

  const open = new Map<string, number>(); // alert id → notified time seen first
  const resolved: string[] = [];
  const comebackMs: number[] = [];
  for (let i = 0; i < STOPS; i += 1) {
    const connections = server.control.counters().connections.total;
    await stopper.stop();
    // While stopped: a storm on even cycles (several alerts at once), one alert on odd ones,
    // and the oldest open alert resolved.
    const fired = Array.from(
      { length: i % 2 === 0 ? 6 : 1 },
      (_, k) =>
        server.control.injectAlert({
          unitId: UNITS[(i + k) % UNITS.length] ?? 'unit-nw-1-01',
          message: `stop ${i}.${k}`,
        }).id,
    );
    const oldest = [...open.keys()][0];
    if (oldest !== undefined && i % 3 === 2) {
      server.control.resolveAlert(oldest);
      open.delete(oldest);
      resolved.push(oldest);
    }
    // Something wakes the worker: a page asking for a snapshot.
    const woke = Date.now();
    await options.page.evaluate(() => chrome.runtime.sendMessage({ type: 'snapshot' }));
    worker = await currentWorker(context);
    await expect
      .poll(() => server.control.counters().connections.total, { timeout: 30_000 })
      .toBeGreaterThan(connections);
    await expect
      .poll(() => server.control.state().sockets.filter((s) => s.rooms.length > 1).length, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(1);
    comebackMs.push(Date.now() - woke);
    // While running: one more alert, live.
    fired.push(server.control.injectAlert({ unitId: 'unit-nw-1-03', message: `live ${i}` }).id);
    await expect
      .poll(
        async () => {
          const notified = await notifiedMap(worker);
          return fired.every((id) => notified[id] !== undefined);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const notified = await notifiedMap(worker);
    for (const id of fired) open.set(id, notified[id] ?? -1);
    // Nothing notified before was notified again (its time is unchanged).
    for (const [id, at] of open) expect(notified[id], `alert ${id} notified again`).toBe(at);
    // The state is whole: the popup's open alerts are exactly the server's.
    const snapshot = (await options.page.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'snapshot' }),
    )) as { ok: boolean; data: { alerts: { id: string }[] } };
    expect(snapshot.data.alerts.map((a) => a.id).sort()).toEqual([...open.keys()].sort());
  }

  // Resolved alerts are gone from the screen; the badge counts exactly the open ones.
  const shown = await worker.evaluate(() => chrome.notifications.getAll());
  for (const id of resolved) expect(Object.keys(shown)).not.toContain(`alert:${id}`);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe(String(open.size));
  await stopper.close();
  console.info(
    `[faults] worker stops: ${STOPS}, back (socket with rooms) after ${JSON.stringify(comebackMs)} ms, ${open.size} open alerts, ${resolved.length} resolved`,
  );
});

test.describe('browser restart on the same profile', () => {
  for (const keep of [true, false]) {
    test(`${keep ? 'with' : 'without'} "Keep me signed in": ${keep ? 'monitoring resumes by itself' : 'the badge says monitoring is off'}`, async ({
      server,
      userDataDir,
    }) => {
      test.setTimeout(120_000);
      let context = await launchExtension(userDataDir);
      try {
        let worker = await serviceWorkerOf(context);
        const id = new URL(worker.url()).host;
        const page = await context.newPage();
        await page.goto(`chrome-extension://${id}/options.html`);
        const options = new OptionsPage(page);
        await options.signIn(server.url, DEMO.email, DEMO.password, keep);
        await options.expectSignedIn();
        await expect.poll(() => server.control.state().sockets.length).toBe(1);
        await expect.poll(async () => (await badgeOf(worker)).text).toBe('');

        await context.close();
        await expect.poll(() => server.control.state().sockets.length).toBe(0);
        const alert = server.control.injectAlert({
          unitId: 'unit-nw-1-01',
          message: 'while closed',
        });
        const accepted = server.control.counters().handshakes.accepted;

        context = await launchExtension(userDataDir);
        worker = await serviceWorkerOf(context);
        if (keep) {
          await expect
            .poll(() => server.control.counters().handshakes.accepted, { timeout: 30_000 })
            .toBeGreaterThan(accepted);
          await expect
            .poll(async () => (await badgeOf(worker)).text, { timeout: 30_000 })
            .toBe('1');
          await expect
            .poll(
              async () => Object.keys(await worker.evaluate(() => chrome.notifications.getAll())),
              {
                timeout: 30_000,
              },
            )
            .toContain(`alert:${alert.id}`);
        } else {
          await expect
            .poll(async () => (await badgeOf(worker)).text, { timeout: 30_000 })
            .toBe('!');
          expect(server.control.counters().handshakes.accepted).toBe(accepted);
        }
      } finally {
        await context.close();
      }
    });
  }
});
