/**
 * Firefox rows (issue #14 item 4): alert → badge (1a-ff) and popup open →
 * first 50 rows painted (4-ff), with the same targets and the same method as
 * their Chromium rows, in Debian's firefox-esr driven over WebDriver BiDi as
 * the Firefox suite drives it (scripts/firefox.ts, tests/support/*): the
 * `firefox-mv2` build (persistent background page), its own reference server
 * with 1,000 units and the simulator at 1 reading/s each, signed in through
 * the options page by label.
 *
 * How it measures inside Firefox. BiDi reaches extension pages but not the
 * background page, and sends no events for extension contexts, so an
 * extension page (a "host" tab) reaches the background page through
 * `browser.runtime.getBackgroundPage()` (MV2, same process):
 * - 1a-ff: the host wraps the background's `browserAction.setBadgeText`, as
 *   the Chromium probe wraps `chrome.action.setBadgeText` in the worker, and
 *   stamps each call with the background's clock (`timeOrigin + now()`,
 *   with `privacy.reduceTimerPrecision` off); the offset to Node's clock is
 *   estimated the same way. The host is the options page, and it stays open
 *   for the whole Firefox phase: what it hands the background page (the
 *   wrapper, the stamp list) belongs to its window, and Firefox turns such
 *   objects into dead objects when the window goes, which would break the
 *   background's badge calls. So 1a-ff runs with the options page open
 *   (popup closed); Chromium's 1a with no extension page open.
 * - 4-ff: Firefox runs no BiDi preload script in `moz-extension://` pages, so
 *   the background page watches for the popup's window
 *   (`browser.extension.getViews`, every millisecond, only while a popup is
 *   being opened) and attaches the Chromium row's observer to its document:
 *   times are the popup's `performance.now()` (from its navigation start)
 *   when 50 rows are in the DOM, and after the next frame. A sample where the
 *   rows were already there when the observer arrived has no time and says
 *   so.
 */
import { existsSync } from 'node:fs';
import type { RunningServer } from '../server/app';
import { buildDirectory, type UnitRecord } from '../server/directory';
import { FIREFOX, launchFirefox, type RunningFirefox } from '../scripts/firefox';
import { poll } from '../tests/support/bidi';
import { ExtensionTab, signIn } from '../tests/support/firefox-extension';
import { estimateOffset, now, sleep, type ClockOffset } from './clock';
import { DEMO, DEMO_ORG_ID, startBenchServer } from './harness';
import { POPUP_PAGE_SIZE } from './measure-popup';
import { fireProbes, withActiveAlerts } from './probes';
import { summarize, type Summary } from './stats';

export interface FirefoxLab {
  server: RunningServer;
  firefox: RunningFirefox;
  /** The extension page that reaches the background page: options.html, open throughout. */
  host: ExtensionTab;
  units: UnitRecord[];
  clock: ClockOffset;
  close(): Promise<void>;
}

/** Why Firefox rows cannot run here, or undefined when they can. */
export function firefoxMissing(): string | undefined {
  return existsSync(FIREFOX) ? undefined : `no Firefox at ${FIREFOX} (set FIREFOX_PATH)`;
}

const BACKGROUND = 'await browser.runtime.getBackgroundPage()';

export async function openFirefoxLab(
  extensionDir: string,
  shape: { sites: number; unitsPerSite: number },
): Promise<FirefoxLab> {
  const missing = firefoxMissing();
  if (missing) throw new Error(missing);
  const server = await startBenchServer({ ...shape, simulate: true, rate: 1 });
  let firefox: RunningFirefox | undefined;
  try {
    firefox = await launchFirefox({
      extensionDir,
      // Full-resolution clocks in the extension's pages, as Chromium's.
      prefs: { 'privacy.reduceTimerPrecision': false },
    });
    const host = await ExtensionTab.open(firefox, 'options');
    await signIn(host, server.url, DEMO.email, DEMO.password);
    await poll(
      async () =>
        server.control.state().sockets.find((s) => s.organizationId === DEMO_ORG_ID)?.rooms
          .length ?? 0,
      (rooms) => rooms >= 1 + shape.sites,
      { what: 'the Firefox background in every site room', timeoutMs: 30_000 },
    );
    await poll(
      () => host.badge(),
      (b) => b.text !== '!' && b.text !== '...' && b.text !== 'off',
      { what: 'a live badge in Firefox' },
    );
    await installBadgeProbe(host);
    const clock = await estimateFirefoxClock(host);
    const units = buildDirectory(shape).unitList.filter((u) => u.organizationId === DEMO_ORG_ID);
    const ff = firefox;
    return {
      server,
      firefox: ff,
      host,
      units,
      clock,
      async close() {
        await ff.close();
        await server.close();
      },
    };
  } catch (error) {
    await firefox?.close().catch(() => undefined);
    await server.close();
    throw error;
  }
}

/**
 * The background page's clock minus Node's, through the host page. 30 reads:
 * BiDi round trips are slower than CDP ones, and the best one bounds the
 * offset. Estimated again at the start of every run (the lab may have been
 * opened while the machine was busier, e.g. beside the memory row in --quick).
 */
export function estimateFirefoxClock(host: ExtensionTab): Promise<ClockOffset> {
  return estimateOffset(
    () =>
      host.call<number>(
        `async () => { const bg = ${BACKGROUND}; return bg.performance.timeOrigin + bg.performance.now(); }`,
      ),
    30,
  );
}

/** Wraps the background page's `setBadgeText` (once), stamping each call. */
async function installBadgeProbe(host: ExtensionTab): Promise<void> {
  await host.call(`async () => {
    const bg = ${BACKGROUND};
    if (bg.__bench) return;
    const probe = { badge: [] };
    bg.__bench = probe;
    const api = bg.browser.action ?? bg.browser.browserAction;
    const setBadgeText = api.setBadgeText;
    api.setBadgeText = function (...args) {
      probe.badge.push([bg.performance.timeOrigin + bg.performance.now(), String(args[0]?.text)]);
      return setBadgeText.apply(this, args);
    };
  }`);
}

export interface FirefoxAlertResult {
  samples: number;
  badge: Summary;
  missing: number;
}

/**
 * Long enough that a worker lagging behind still shows the alert before its
 * resolve: a probe is counted only when the badge moved before the resolve,
 * and with 60 ms the slowest ones (the tail p99 is about) went uncounted.
 */
const HOLD_MS = 250;
const GAP_MS = 60;

/** Row 1a-ff: the Chromium row's probes (measure-alert.ts), badge only. */
export async function measureFirefoxAlert(
  lab: FirefoxLab,
  samples: number,
): Promise<FirefoxAlertResult> {
  lab.clock = await estimateFirefoxClock(lab.host);
  await lab.host.call(`async () => { (${BACKGROUND}).__bench.badge = []; }`);
  const sent = await fireProbes(lab.server, lab.units, samples, HOLD_MS, GAP_MS);
  const stamps = await lab.host.call<[number, string][]>(
    `async () => { const p = (${BACKGROUND}).__bench; const out = p.badge; p.badge = []; return out; }`,
  );
  const badgeTimes = stamps.map(([t]) => t - lab.clock.offsetMs).sort((a, b) => a - b);
  const latencies = sent.map((p) => {
    const b = badgeTimes.find((t) => t >= p.at && t < p.resolvedAt);
    return b === undefined ? Number.NaN : b - p.at;
  });
  return {
    samples: sent.length,
    badge: summarize(latencies),
    missing: latencies.filter(Number.isNaN).length,
  };
}

/** Bound on one popup open, from the navigation to painted. */
const OPEN_BOUND_MS = 15_000;

/** `promise`'s value, or undefined once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface FirefoxPopupResult {
  opens: number;
  firstRow: Summary;
  rows: Summary;
  painted: Summary;
  /** Why samples have no time (observer late, no rows), one entry per such open. */
  missing: string[];
}

/**
 * Arms the background page: the next popup window to appear gets the row
 * observer (measure-popup.ts `ttdScript`, on the popup's own clock).
 */
function armScript(target: number): string {
  return `async () => {
    const bg = ${BACKGROUND};
    const seen = new WeakSet(bg.browser.extension.getViews({ type: 'tab' }));
    bg.__ttd = undefined;
    const started = bg.performance.now();
    const timer = bg.setInterval(() => {
      if (bg.performance.now() - started > 15000) { bg.clearInterval(timer); return; }
      // A view being torn down (the previous popup's tab) may throw: skip it, never stop.
      const w = bg.browser.extension.getViews({ type: 'tab' }).find((v) => {
        try { return !seen.has(v) && v.location.pathname === '/popup.html'; } catch { return false; }
      });
      if (!w) return;
      bg.clearInterval(timer);
      const doc = w.document;
      const out = { attached: w.performance.now(), already: doc.querySelectorAll('li.unit-row').length };
      bg.__ttd = out;
      const mo = new w.MutationObserver(() => {
        const n = doc.querySelectorAll('li.unit-row').length;
        if (n > 0 && out.first === undefined) out.first = w.performance.now();
        if (n >= ${target} && out.rows === undefined) {
          out.rows = w.performance.now();
          mo.disconnect();
          w.requestAnimationFrame(() => {
            const ch = new w.MessageChannel();
            ch.port1.onmessage = () => { out.painted = w.performance.now(); };
            ch.port2.postMessage(0);
          });
        }
      });
      mo.observe(doc, { childList: true, subtree: true });
    }, 1);
  }`;
}

/** Row 4-ff: popup opened in a tab → first 50 rows painted, 50 active alerts, as row 4. */
export async function measureFirefoxPopup(
  lab: FirefoxLab,
  opens: number,
): Promise<FirefoxPopupResult> {
  return withActiveAlerts(lab.server, lab.units, 50, async () => {
    const target = Math.min(POPUP_PAGE_SIZE, lab.units.length);
    const first: number[] = [];
    const rows: number[] = [];
    const painted: number[] = [];
    const missing: string[] = [];
    for (let i = 0; i < opens; i += 1) {
      await lab.host.call(armScript(target));
      const tab = await lab.firefox.bidi.newTab();
      try {
        const deadline = now() + OPEN_BOUND_MS;
        // The load is watched from the background page: the navigation's own end is not awaited
        // beyond the bound (a BiDi command may hang on a busy machine; the sample then says so).
        const navigation = lab.firefox.bidi.navigate(tab, lab.firefox.pageUrl('popup'));
        navigation.catch(() => undefined);
        let ttd: Record<string, number> | undefined;
        while (now() < deadline) {
          ttd =
            (await within(
              lab.host.call<Record<string, number> | undefined>(
                `async () => (${BACKGROUND}).__ttd`,
              ),
              deadline - now(),
            )) ?? ttd;
          if (ttd?.painted !== undefined || (ttd?.already ?? 0) >= target) break;
          await sleep(50);
        }
        const late = ttd !== undefined && (ttd.already ?? 0) > 0;
        if (ttd === undefined) missing.push(`open ${i + 1}: the popup's window was not found`);
        else if (late)
          missing.push(
            `open ${i + 1}: ${ttd.already} rows already in the DOM when the observer arrived at ${ttd.attached?.toFixed(0)} ms`,
          );
        else if (ttd.painted === undefined)
          missing.push(
            `open ${i + 1}: ${target} rows not painted within ${OPEN_BOUND_MS / 1000} s`,
          );
        const ok = ttd !== undefined && !late;
        first.push(ok ? (ttd?.first ?? Number.NaN) : Number.NaN);
        rows.push(ok ? (ttd?.rows ?? Number.NaN) : Number.NaN);
        painted.push(ok ? (ttd?.painted ?? Number.NaN) : Number.NaN);
      } finally {
        await lab.firefox.bidi.closeTab(tab).catch(() => undefined);
      }
      await sleep(300);
    }
    return {
      opens,
      firstRow: summarize(first),
      rows: summarize(rows),
      painted: summarize(painted),
      missing,
    };
  });
}
