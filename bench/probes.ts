/**
 * Alert probes: inject `alert:triggered` for a unit, resolve it a little
 * later, and read from the worker probe when the badge text and the
 * notification for it were set. Used by the alert-latency row and, as the
 * "is the worker keeping up" signal, by the throughput stages.
 */
import type { Worker } from '@playwright/test';
import type { RunningServer } from '../server/app';
import { now, sleep, type ClockOffset } from './clock';
import { drainWorkerProbe, injectProbeAlert } from './lab';

/** lib/notification-policy.ts NOTIFICATION_IDS.group: the storm notification. */
const GROUP_NOTIFICATION_ID = 'frostline:group';

export interface ProbeSent {
  id: string;
  /** Node clock just before the emit. */
  at: number;
  /** Node clock of the resolve emit (bounds the badge search). */
  resolvedAt: number;
}

export interface ProbeResult {
  at: number;
  /**
   * ms from emit to `notifications.create('alert:<id>')`, or, when the policy
   * folded the alert into a storm, to the grouped notification created after
   * the emit (and before the resolve); NaN when neither was seen.
   */
  notification: number;
  grouped: boolean;
  /** ms from emit to the first `setBadgeText` after it (before the resolve); NaN when none. */
  badge: number;
  /**
   * ms from emit to the alert's frame reaching the worker's WebSocket, before
   * any of its handling; NaN when the worker's socket is not watched.
   */
  arrival: number;
}

/** Fires one probe alert and resolves it after `holdMs`. */
export async function fireProbe(
  server: RunningServer,
  unitId: string,
  holdMs: number,
): Promise<ProbeSent> {
  const sent = injectProbeAlert(server, unitId);
  await sleep(holdMs);
  const resolvedAt = now();
  try {
    server.control.resolveAlert(sent.id);
  } catch {
    // Already resolved by the alert engine: nothing to undo.
  }
  return { ...sent, resolvedAt };
}

/** Matches what the worker recorded with what was sent. */
export async function collectProbes(
  worker: Worker,
  clock: ClockOffset,
  sent: readonly ProbeSent[],
): Promise<ProbeResult[]> {
  const { badge, notes, arrivals } = await drainWorkerProbe(worker);
  const toNode = (t: number) => t - clock.offsetMs;
  const arrivedAt = new Map<string, number>();
  for (const [t, id] of arrivals) if (!arrivedAt.has(id)) arrivedAt.set(id, toNode(t));
  const noteAt = new Map<string, number>();
  for (const [t, id] of notes) if (!noteAt.has(id)) noteAt.set(id, toNode(t));
  const groupTimes = notes
    .filter(([, id]) => id === GROUP_NOTIFICATION_ID)
    .map(([t]) => toNode(t))
    .sort((a, b) => a - b);
  const badgeTimes = badge.map(([t]) => toNode(t)).sort((a, b) => a - b);
  return sent.map((p) => {
    const own = noteAt.get(`alert:${p.id}`);
    const n = own ?? groupTimes.find((t) => t >= p.at && t < p.resolvedAt);
    const b = badgeTimes.find((t) => t >= p.at && t < p.resolvedAt);
    return {
      at: p.at,
      notification: n === undefined ? Number.NaN : n - p.at,
      grouped: own === undefined && n !== undefined,
      badge: b === undefined ? Number.NaN : b - p.at,
      arrival: (arrivedAt.get(p.id) ?? Number.NaN) - p.at,
    };
  });
}

/**
 * Rows 1a and 1a-ff: one probe alert every `gapMs` (plus up to 20 ms of
 * jitter) on every seventh unit, each held `holdMs`, then 300 ms for the last
 * to land.
 */
export async function fireProbes(
  server: RunningServer,
  units: readonly { id: string }[],
  samples: number,
  holdMs: number,
  gapMs: number,
): Promise<ProbeSent[]> {
  // Units spread over the org; the simulator keeps them busy meanwhile.
  const targets = units.filter((_, i) => i % 7 === 3);
  const sent: ProbeSent[] = [];
  for (let i = 0; i < samples; i += 1) {
    const unit = targets[i % targets.length];
    if (!unit) break;
    sent.push(await fireProbe(server, unit.id, holdMs));
    await sleep(gapMs + Math.random() * 20);
  }
  await sleep(300);
  return sent;
}

/**
 * Rows 4 and 4-ff: `count` active warning alerts on distinct units (the
 * simulator may add its own) while `measure` runs, resolved afterwards.
 */
export async function withActiveAlerts<T>(
  server: RunningServer,
  units: readonly { id: string }[],
  count: number,
  measure: () => Promise<T>,
): Promise<T> {
  const injected: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const unit = units[(i * 19) % units.length];
    if (unit)
      injected.push(server.control.injectAlert({ unitId: unit.id, severity: 'warning' }).id);
  }
  await sleep(500);
  try {
    return await measure();
  } finally {
    for (const id of injected) {
      try {
        server.control.resolveAlert(id);
      } catch {
        // resolved meanwhile
      }
    }
  }
}
