/**
 * Row 7, wake-up: the worker is stopped (CDP `ServiceWorker.stopAllWorkers`
 * through a page session), then an event wakes it: opening the popup (its
 * live port starts the worker). Measured from the popup navigation request
 * (Node clock) to: a new authenticated socket in the server (`connected`),
 * its org and every site room joined (`resubscribed`, from
 * `control.state()`), and the badge back to its text before the stop
 * (`badge`, read from the new worker).
 */
import type { Worker } from '@playwright/test';
import { pageCdp, workerTargetId } from './cdp';
import { now, sleep } from './clock';
import { badgeText, currentWorker, DEMO_ORG_ID, waitUntil } from './harness';
import { installWorkerProbe, type Lab } from './lab';
import { summarize, type Summary } from './stats';

export interface WakeResult {
  samples: number;
  connected: Summary;
  resubscribed: Summary;
  badge: Summary;
  /** Wake-up = the latest of the three, per sample. */
  ready: Summary;
  badgeText: string;
}

export async function measureWake(lab: Lab, samples: number, sites: number): Promise<WakeResult> {
  const { context, extensionId, anchor } = lab.session;
  const cdp = await pageCdp(anchor);
  await cdp.send('ServiceWorker.enable');
  const expected = await badgeText(lab.session.worker);
  const connected: number[] = [];
  const resubscribed: number[] = [];
  const badge: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const oldIds = new Set(lab.server.control.state().sockets.map((s) => s.id));
    await cdp.send('ServiceWorker.stopAllWorkers');
    await waitUntil(
      'the worker to stop',
      async () => (await workerTargetId(cdp, extensionId)) === undefined,
      5_000,
      20,
    );
    await waitUntil(
      'the old socket to go',
      () => lab.server.control.state().sockets.length === 0,
      5_000,
      20,
    );
    await sleep(300);
    const t0 = now();
    const popup = await context.newPage();
    const navigation = popup.goto(`chrome-extension://${extensionId}/popup.html`);
    let tConnected = Number.NaN;
    let tRooms = Number.NaN;
    let tBadge = Number.NaN;
    let worker: Worker | undefined;
    const deadline = t0 + 10_000;
    while (now() < deadline && (Number.isNaN(tRooms) || Number.isNaN(tBadge))) {
      const socket = lab.server.control
        .state()
        .sockets.find((s) => s.organizationId === DEMO_ORG_ID && !oldIds.has(s.id));
      if (socket && Number.isNaN(tConnected)) tConnected = now() - t0;
      if (socket && Number.isNaN(tRooms) && socket.rooms.length >= 1 + sites) tRooms = now() - t0;
      if (socket && Number.isNaN(tBadge)) {
        worker ??= currentWorker(context);
        const text = worker ? await badgeText(worker).catch(() => '') : '';
        if (text === expected) tBadge = now() - t0;
      }
      await sleep(5);
    }
    await navigation.catch(() => undefined);
    connected.push(tConnected);
    resubscribed.push(tRooms);
    badge.push(tBadge);
    ready.push(Math.max(tConnected, tRooms, tBadge));
    await popup.close();
    await sleep(500);
  }
  const worker = currentWorker(context);
  if (worker) {
    lab.session.worker = worker;
    await installWorkerProbe(worker).catch(() => undefined);
  }
  await cdp.detach();
  return {
    samples,
    connected: summarize(connected),
    resubscribed: summarize(resubscribed),
    badge: summarize(badge),
    ready: summarize(ready),
    badgeText: expected,
  };
}
