/**
 * Fault case 2 (issue #6), fast variant: the network path between the
 * background and the server breaks, through the fault-injection TCP proxy.
 *
 * - reset: every connection gets an RST (a NAT or load balancer lost its state);
 * - blackhole: bytes stop flowing and nothing is closed (a dead uplink).
 *
 * The server pings every second here so that Socket.IO's own heartbeat
 * detects the blackhole quickly; `slow-network.test.ts` has the production
 * heartbeat, where only the extension's application ping detects it in 25 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cycles, startHarness, waitFor, type Harness } from '../../support/background-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

const UNIT = 'unit-nw-2-01';
/** The detection bound the product promises (issue #3: within 25 s; the app pings every 18 s with a 5 s timeout). */
const DETECTION_BOUND_MS = 25_000;

async function timeUntil(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await waitFor(what, check, timeoutMs, 5);
  return Date.now() - start;
}

describe('network path faults through the proxy', () => {
  it(`connection reset (RST), ${cycles(20, 3)} times: detected at once, live again, nothing lost`, async () => {
    h = await startHarness({ server: { pingIntervalMs: 1_000, pingTimeoutMs: 1_000 } });
    const harness = h;
    await harness.signIn();
    const { app, proxy, server } = harness;
    if (proxy === null) throw new Error('the proxy is required');
    const detections: number[] = [];
    const recoveries: number[] = [];
    const fired: string[] = [];
    const shown: ('alone' | 'group')[] = [];
    for (let i = 0; i < cycles(20, 3); i += 1) {
      const connectionsBefore = server.control.counters().connections.total;
      const start = Date.now();
      expect(proxy.reset()).toBeGreaterThan(0);
      detections.push(
        await timeUntil('reset detected', () => app.state().connection.status !== 'live', 5_000),
      );
      const firedAt = Date.now();
      fired.push(server.control.injectAlert({ unitId: UNIT, message: `reset ${i}` }).id);
      await waitFor(
        'a new connection',
        () => server.control.counters().connections.total > connectionsBefore,
        15_000,
      );
      await harness.waitLive();
      recoveries.push(Date.now() - start);
      // Shown on its own, or (from the sixth alert within 10 s) inside the storm group.
      shown.push(
        await waitFor(`alert ${i} notified`, () => harness.shownAs(fired[i] ?? '', firedAt)),
      );
    }
    const grouped = shown.filter((how) => how === 'group').length;
    console.info(
      `[faults] reset: detected ${JSON.stringify(detections)} ms, live again ${JSON.stringify(recoveries)} ms, alerts shown alone ${shown.length - grouped}, in the storm group ${grouped}`,
    );
    expect(Math.max(...detections)).toBeLessThan(1_000);
    expect(Math.max(...recoveries)).toBeLessThan(10_000);
    // Nothing lost, nothing shown twice: each alert once, alone or in the group.
    expect(shown).toHaveLength(fired.length);
    expect(fired.map((id) => harness.createdFor(id))).toEqual(
      shown.map((how) => (how === 'alone' ? 1 : 0)),
    );
    expect(app.state().alerts.size).toBe(fired.length);
  }, 120_000);

  it(`blackhole, ${cycles(10, 2)} times: detected within 25 s (Socket.IO heartbeat of 2 s here), live again when the path returns`, async () => {
    h = await startHarness({ server: { pingIntervalMs: 1_000, pingTimeoutMs: 1_000 } });
    const harness = h;
    await harness.signIn();
    const { app, proxy, server } = harness;
    if (proxy === null) throw new Error('the proxy is required');
    const detections: number[] = [];
    const recoveries: number[] = [];
    const fired: string[] = [];
    for (let i = 0; i < cycles(10, 2); i += 1) {
      proxy.blackhole();
      detections.push(
        await timeUntil(
          'blackhole detected',
          () => app.state().connection.status !== 'live',
          DETECTION_BOUND_MS + 5_000,
        ),
      );
      fired.push(server.control.injectAlert({ unitId: UNIT, message: `blackhole ${i}` }).id);
      const connectionsBefore = server.control.counters().connections.total;
      const resumedAt = Date.now();
      proxy.resume();
      await waitFor(
        'a new connection after the path returned',
        () => server.control.counters().connections.total > connectionsBefore,
        25_000,
      );
      await harness.waitLive(25_000);
      recoveries.push(Date.now() - resumedAt);
      await waitFor(`alert ${i} notified`, () => harness.createdFor(fired[i] ?? '') === 1);
    }
    console.info(
      `[faults] blackhole (1 s server heartbeat): detected ${JSON.stringify(detections)} ms, live again ${JSON.stringify(recoveries)} ms after the path returned`,
    );
    expect(Math.max(...detections)).toBeLessThan(DETECTION_BOUND_MS);
    // Reconnect: at most the handshake timeout (10 s) of an attempt lost in the hole, plus backoff (5 s).
    expect(Math.max(...recoveries)).toBeLessThan(16_000);
    expect(fired.map((id) => harness.createdFor(id))).toEqual(fired.map(() => 1));
  }, 240_000);
});
