/**
 * Row 1, alert latency: the server emits `alert:triggered` → the worker sets
 * the badge text and creates the notification. Under the simulator's
 * background load (1,000 units × 1 reading/s), popup closed. Samples are
 * spaced (one alert, resolved `HOLD_MS` later, then a gap) so each is an
 * isolated event, not a burst.
 */
import { estimateOffset } from './clock';
import { NAME_SHIM, openBaselinePage, pageNow, watchAlertFrames, type Lab } from './lab';
import { collectProbes, fireProbes } from './probes';
import { summarize, type Summary } from './stats';

/**
 * Long enough that a worker lagging behind still shows the alert before its
 * resolve: a probe is counted only when the badge moved before the resolve,
 * and with 60 ms the slowest ones (the tail p99 is about) went uncounted.
 */
const HOLD_MS = 250;
const GAP_MS = 60;

export interface AlertLatencyResult {
  samples: number;
  badge: Summary;
  notification: Summary;
  /** Probes whose badge or notification never showed. */
  missing: { badge: number; notification: number };
  /** Probes the policy folded into the grouped storm notification. */
  grouped: number;
  badgeBefore: string;
  /**
   * The badge's latency in two parts: the emit → the frame in the worker's
   * WebSocket (the server, the browser's network stack and the scheduling of
   * the worker's thread: no code of ours), and that frame → the badge text
   * set (our handling); `notified`: that frame → the notification created.
   * All n = 0 when the worker's socket is not watched.
   */
  split: { arrival: Summary; handling: Summary; notified: Summary };
  /** The five slowest notifications (ms after the probe's start), with their badge time. */
  slowest: {
    notification: number;
    badge: number;
    arrival: number;
    grouped: boolean;
    at: number;
  }[];
}

export async function measureAlertLatency(lab: Lab, samples: number): Promise<AlertLatencyResult> {
  const worker = lab.session.worker;
  const badgeBefore = await worker.evaluate(() => chrome.action.getBadgeText({}));
  const sent = await fireProbes(lab.server, lab.units, samples, HOLD_MS, GAP_MS);
  const results = await collectProbes(worker, lab.workerClock, sent);
  return {
    samples: sent.length,
    badge: summarize(results.map((r) => r.badge)),
    notification: summarize(results.map((r) => r.notification)),
    missing: {
      badge: results.filter((r) => Number.isNaN(r.badge)).length,
      notification: results.filter((r) => Number.isNaN(r.notification)).length,
    },
    grouped: results.filter((r) => r.grouped).length,
    badgeBefore,
    split: {
      arrival: summarize(results.map((r) => r.arrival)),
      handling: summarize(results.map((r) => r.badge - r.arrival)),
      notified: summarize(results.map((r) => r.notification - r.arrival)),
    },
    slowest: results
      .map((r) => ({ ...r, at: Math.round(r.at - (results[0]?.at ?? 0)) }))
      .sort((a, b) => (b.notification || 0) - (a.notification || 0))
      .slice(0, 5),
  };
}

/** The badge latency's two parts (`split`), for the row's note. */
export function splitText(split: AlertLatencyResult['split']): string {
  const { arrival, handling, notified } = split;
  if (arrival.n === 0) return 'no frame seen arriving (the worker socket was not watched)';
  const ms = (v: number) => v.toFixed(1);
  return `emit → frame in the worker p50 ${ms(arrival.p50)} / p99 ${ms(arrival.p99)} ms, frame → badge set p50 ${ms(handling.p50)} / p99 ${ms(handling.p99)} ms, frame → notification p50 ${ms(notified.p50)} / p99 ${ms(notified.p99)} ms (n ${arrival.n})`;
}

/**
 * Row 1c only needs each frame to arrive (and the worker's badge, which
 * lands well inside this): shorter probes keep `--quick` under 2 minutes.
 */
const FRAME_HOLD_MS = 100;
const FRAME_GAP_MS = 40;

export interface AlertFramesOnPage {
  samples: number;
  /** Emit → the frame in the page's WebSocket (a plain page, nothing of ours on its path). */
  page: Summary;
  /** The same probes: emit → the frame in the worker's WebSocket, and → the badge set. */
  worker: Summary;
  workerBadge: Summary;
  pageClockUncertaintyMs: number;
}

/**
 * Row 1c, the floor of 1a's tail (#14): where the time from the emit to the
 * frame goes is outside our code, so a plain page is put on the same path.
 * The bench's baseline page (socket.io-client and a TanStack Query cache, in
 * the org room like the worker) is opened beside the worker, and a second
 * set of probes is fired; each probe's frame is stamped as it reaches the
 * page's WebSocket and the worker's, before any handling in either. Run after
 * row 1a, so that the page's own load is not in 1a's figures.
 */
export async function measureAlertFramesOnPage(
  lab: Lab,
  baselineUrl: string,
  samples: number,
): Promise<AlertFramesOnPage> {
  const page = await openBaselinePage(lab, baselineUrl, [], async (p) => {
    await p.addInitScript(NAME_SHIM);
    await p.addInitScript(watchAlertFrames, '__frames');
  });
  try {
    const clock = await estimateOffset(() => pageNow(page));
    const sent = await fireProbes(lab.server, lab.units, samples, FRAME_HOLD_MS, FRAME_GAP_MS);
    const inWorker = await collectProbes(lab.session.worker, lab.workerClock, sent);
    const arrivals = await page.evaluate(
      () =>
        (globalThis as unknown as { __frames?: { arrivals: [number, string][] } }).__frames
          ?.arrivals ?? [],
    );
    const arrivedAt = new Map<string, number>();
    for (const [t, id] of arrivals) if (!arrivedAt.has(id)) arrivedAt.set(id, t - clock.offsetMs);
    return {
      samples: sent.length,
      page: summarize(sent.map((p) => (arrivedAt.get(p.id) ?? Number.NaN) - p.at)),
      worker: summarize(inWorker.map((r) => r.arrival)),
      workerBadge: summarize(inWorker.map((r) => r.badge)),
      pageClockUncertaintyMs: clock.uncertaintyMs,
    };
  } finally {
    await page.close();
  }
}
