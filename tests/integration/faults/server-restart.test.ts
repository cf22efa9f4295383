/**
 * Fault case 1 (issue #6): the server restarts, both ways, again and again.
 *
 * - deploy: the server disconnects every socket itself (`io server disconnect`,
 *   which Socket.IO never retries on its own), with or without the listener
 *   going away for a while (`outage`);
 * - crash: TCP connections die without a close frame (`transport close`),
 *   with or without the listener going away.
 *
 * Every cycle, while the connection is down: one alert is triggered and the
 * alert of the previous cycle is resolved. After it the background must be
 * live again with its rooms back on the server, have notified the new alert
 * exactly once and cleared the resolved one; at the end, no alert was ever
 * notified twice and the badge counts exactly the open alerts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  FULL,
  cycles,
  sleep,
  startHarness,
  waitFor,
  type Harness,
} from '../../support/background-harness';
import { DEFAULT_BADGE_GRACE_MS } from '../../../lib/badge';

type Mode = 'server-disconnect' | 'crash';

interface CycleResult {
  gap: 'drop' | `outage ${number} ms`;
  downAfterMs: number;
  liveAfterMs: number;
  badgeOff: boolean;
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

/** Unit of the demo org used for every injected alert. */
const UNIT = 'unit-nw-1-01';

async function runCycles(mode: Mode, plan: readonly (number | 'drop')[]): Promise<CycleResult[]> {
  h = await startHarness({ server: { pingIntervalMs: 1_000, pingTimeoutMs: 1_000 } });
  const harness = h;
  await harness.signIn();
  const { server, app } = harness;

  // The alert that is open when a gap starts; it gets resolved inside the gap.
  let open = server.control.injectAlert({ unitId: UNIT, message: 'before the first gap' });
  await waitFor('first alert notified', () => harness.createdFor(open.id) === 1);

  const results: CycleResult[] = [];
  const allAlertIds = [open.id];
  for (const gap of plan) {
    const resolvedInGap = open.id;
    const startedAt = Date.now();
    const connectionsBefore = server.control.counters().connections.total;
    let downAt: number | null = null;
    const watchDown = setInterval(() => {
      if (downAt === null && app.state().connection.status !== 'live') downAt = Date.now();
    }, 5);
    let outage: Promise<void> | null = null;
    if (gap === 'drop') {
      await server.control.dropSockets(mode);
    } else {
      outage = server.control.outage({ ms: gap, mode });
      // The sockets are dropped at once; the listener is closed right after.
      await waitFor('server-side sockets gone', () => harness.demoSockets().length === 0, 5_000, 5);
    }
    // Inside the gap: the world moves on without us.
    const fired = server.control.injectAlert({
      unitId: UNIT,
      message: `fired during gap ${results.length + 1}`,
    });
    server.control.resolveAlert(resolvedInGap);
    allAlertIds.push(fired.id);
    await outage;

    const budget = 20_000 + (typeof gap === 'number' ? gap : 0);
    // A new (or recovered) connection, not the old one still being torn down.
    await waitFor(
      'a new connection on the server',
      () => server.control.counters().connections.total > connectionsBefore,
      budget,
      5,
    );
    await harness.waitLive(budget);
    const liveAt = Date.now();
    clearInterval(watchDown);
    await waitFor(
      `alert fired during the gap (${fired.id}) notified`,
      () => harness.createdFor(fired.id) >= 1,
    );
    await waitFor(
      `alert resolved during the gap (${resolvedInGap}) cleared`,
      async () => !(`alert:${resolvedInGap}` in (await harness.shown())),
    );
    expect(app.state().alerts.has(resolvedInGap)).toBe(false);
    const badgeOff = harness.badgeSamples.some((s) => s.at >= startedAt && s.text === 'off');
    results.push({
      gap: gap === 'drop' ? 'drop' : `outage ${gap} ms`,
      downAfterMs: downAt === null ? -1 : downAt - startedAt,
      liveAfterMs: liveAt - startedAt,
      badgeOff,
    });
    open = fired;
  }

  // Let any late replay or resync land, then count.
  await sleep(1_500);
  const duplicates = allAlertIds.filter((id) => harness.createdFor(id) > 1);
  const missed = allAlertIds.filter((id) => harness.createdFor(id) === 0);
  expect({ duplicates, missed }).toEqual({ duplicates: [], missed: [] });
  // No connection leaked: the server ends up with exactly one socket for us.
  await waitFor('one socket left on the server', () => harness.demoSockets().length === 1);
  // Exactly one open alert (the last one fired) and the badge says so.
  expect([...app.state().alerts.keys()]).toEqual([open.id]);
  await waitFor(
    'badge counts the one open alert',
    async () => (await harness.badge()).text === '1',
  );
  expect(Object.keys(await harness.shown())).toEqual([`alert:${open.id}`]);
  console.info(`[faults] ${mode}: ${JSON.stringify(results)}`);
  return results;
}

function planFor(short: number, long: readonly number[]): (number | 'drop')[] {
  const plan: (number | 'drop')[] = [];
  for (let i = 0; i < short; i += 1) plan.push('drop');
  plan.push(...long);
  return plan;
}

// Full: 20 drops and 20 outages (half of them longer than the badge grace period).
const FULL_OUTAGES = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 2_000 : 12_000));
const plan = FULL ? planFor(20, FULL_OUTAGES) : planFor(cycles(20, 3), [2_000]);
const timeout = FULL ? 600_000 : 90_000;

describe('server restarted again and again', () => {
  for (const mode of ['server-disconnect', 'crash'] as const) {
    it(
      `${mode === 'server-disconnect' ? 'deploy' : 'crash'} (${mode}): ${plan.length} cycles, live again each time, rooms back, every gap alert notified once, every resolved one cleared`,
      async () => {
        const results = await runCycles(mode, plan);
        expect(results).toHaveLength(plan.length);
        for (const r of results) {
          // The connection noticed the drop, and came back.
          expect(r.downAfterMs).toBeGreaterThanOrEqual(0);
          expect(r.downAfterMs).toBeLessThan(2_000);
          if (r.gap === 'drop') {
            // A plain drop is over well within the grace period: the badge never said "off".
            expect(r.liveAfterMs).toBeLessThan(DEFAULT_BADGE_GRACE_MS);
            expect(r.badgeOff).toBe(false);
          }
          if (r.gap === 'outage 12000 ms') expect(r.badgeOff).toBe(true);
        }
      },
      timeout,
    );
  }
});
