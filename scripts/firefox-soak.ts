/**
 * The Firefox lifecycle soak (issue #12, docs/firefox.md): a Firefox build
 * signed in to a quiet reference server (no simulated readings) with no
 * extension page open, for `--minutes`. One alert is injected every
 * `--alert-every` seconds. The server side is watched every second.
 *
 * Prints, as JSON: socket handshakes the server accepted, seconds without a
 * connected socket, alerts injected while no socket was connected, how long
 * each alert took to be notified (from the background's persisted record of
 * notified alerts), and the background's own "Notifications shown" count
 * (one per alert: none repeated, while the background instance lives); then
 * how long a background restarted after an extension-process crash takes to
 * connect again.
 *
 *   npx tsx scripts/firefox-soak.ts --build .output/firefox-mv2 --minutes 10
 *   npx tsx scripts/firefox-soak.ts --build <firefox-mv3 dir> --minutes 1 \
 *     --alert-every 10 --idle-timeout-ms 5000
 */
import { parseArgs } from 'node:util';
import { startServer } from '../server/app';
import { poll } from '../tests/support/bidi';
import { ExtensionTab, signIn } from '../tests/support/firefox-extension';
import { launchFirefox } from './firefox';

const { values: flags } = parseArgs({
  options: {
    build: { type: 'string', default: '.output/firefox-mv2' },
    minutes: { type: 'string', default: '10' },
    'alert-every': { type: 'string', default: '60' },
    // Firefox's event-page idle timeout (30 s by default): a shorter one shows
    // in a minute what a quiet server shows in ten.
    'idle-timeout-ms': { type: 'string' },
  },
});

const EMAIL = 'demo@frostline.test';

async function main(): Promise<void> {
  const minutes = Number(flags.minutes);
  const alertEvery = Number(flags['alert-every']) * 1000;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    control: true,
    simulate: false,
    sites: 2,
    unitsPerSite: 4,
  });
  const idle = flags['idle-timeout-ms'];
  const firefox = await launchFirefox({
    extensionDir: flags.build,
    prefs: idle === undefined ? {} : { 'extensions.background.idle.timeout': Number(idle) },
  });
  try {
    const options = await ExtensionTab.open(firefox, 'options');
    await signIn(options, server.url, EMAIL, 'frostline');
    await options.waitFor('button', 'Sign out');
    const sockets = () => server.control.state().byUser[EMAIL]?.length ?? 0;
    await poll(
      async () => sockets(),
      (n) => n === 1,
      { what: 'the socket', timeoutMs: 15_000 },
    );
    // Nothing of ours open: an open page holds a port that keeps an event page alive.
    await options.close();
    const handshakesAtStart = server.control.counters().handshakes.accepted;
    const startedAt = Date.now();
    const end = startedAt + minutes * 60_000;
    const units = unitIds();
    const injected: { alertId: string; socketUp: boolean; at: number }[] = [];
    let secondsDown = 0;
    let nextAlert = startedAt + alertEvery;
    while (Date.now() < end) {
      await sleep(1_000);
      if (sockets() === 0) secondsDown += 1;
      if (Date.now() >= nextAlert) {
        nextAlert += alertEvery;
        const unitId = units[injected.length % units.length] ?? 'unit-nw-1-01';
        const alert = server.control.injectAlert({
          unitId,
          severity: 'critical',
          alertType: 'alarm_active',
          message: `Soak alert ${injected.length + 1}`,
          temperature: 9.4,
          thresholdViolated: 'max',
        });
        injected.push({
          alertId: alert.id,
          socketUp: sockets() > 0,
          at: Date.now(),
        });
      }
    }
    const handshakes = server.control.counters().handshakes.accepted - handshakesAtStart;
    const page = await ExtensionTab.open(firefox, 'options');
    // When each alert was first notified: the background persists it at once
    // (#3). Alerts that reached a suspended background only with the next
    // resync show up late: wait for them.
    const readNotified = () =>
      page.call<Record<string, number>>(
        "() => browser.storage.local.get('notified').then((r) => r.notified ?? {})",
      );
    const notified = await poll(
      readNotified,
      (map) => injected.every((a) => map[a.alertId] !== undefined),
      { what: 'every injected alert notified', timeoutMs: 60_000 },
    ).catch(readNotified);
    const latencies = injected.map((a) =>
      notified[a.alertId] === undefined ? null : notified[a.alertId]! - a.at,
    );
    const diagnostics = await page.call<string>(
      "() => browser.runtime.sendMessage({ type: 'diagnostics-text' }).then((r) => r.ok ? r.data : JSON.stringify(r))",
    );
    const shownCount = /Notifications shown: (\d+)/.exec(diagnostics)?.[1];
    // Then the background stopped the way a persistent one stops: the
    // extension process dies and Firefox restarts the background. Timed to the
    // restarted background's handshake.
    const beforeCrash = server.control.counters().handshakes.accepted;
    const crashTab = await firefox.bidi.newTab();
    const crashedAt = Date.now();
    await firefox.bidi.navigate(crashTab, 'about:crashextensions').catch(() => undefined);
    await poll(
      async () => server.control.counters().handshakes.accepted,
      (n) => n > beforeCrash,
      { what: 'the restarted background to connect', timeoutMs: 30_000 },
    );
    const wakeAfterCrashMs = Date.now() - crashedAt;
    console.info(
      JSON.stringify(
        {
          build: flags.build,
          minutes,
          idleTimeoutMs: idle === undefined ? 'default (30000)' : Number(idle),
          handshakesDuringSoak: handshakes,
          secondsWithoutSocket: secondsDown,
          alertsInjected: injected.length,
          alertsInjectedWhileDown: injected.filter((a) => !a.socketUp).length,
          notifiedWithin5s: latencies.filter((ms) => ms !== null && ms <= 5_000).length,
          notifiedLate: latencies.filter((ms) => ms !== null && ms > 5_000).length,
          neverNotified: latencies.filter((ms) => ms === null).length,
          notifyLatencyMs: latencies,
          backgroundNotificationsShownCounter: shownCount === undefined ? null : Number(shownCount),
          reconnectsLine: /Reconnects: .*/.exec(diagnostics)?.[0] ?? null,
          wakeAfterCrashMs,
        },
        null,
        2,
      ),
    );
  } finally {
    await firefox.close();
    await server.close();
  }
}

/** The seeded demo organization's unit ids (2 sites × 4 units). */
function unitIds(): string[] {
  const ids: string[] = [];
  for (const site of [1, 2]) {
    for (const n of [1, 2, 3, 4]) ids.push(`unit-nw-${site}-0${n}`);
  }
  return ids;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
