import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../lib/api';
import type { FrostlineSocket } from '../../lib/socket';
import { createSync, type SyncDeps, type Targets } from '../../lib/sync';

/** Records what the sync emits; the socket's only role here. */
function recordingSocket() {
  const emitted: string[] = [];
  const socket = {
    emit: (event: string, id: string) => {
      emitted.push(`${event} ${id}`);
      return socket;
    },
  } as unknown as FrostlineSocket;
  return { socket, emitted };
}

function setup(targets: Targets, alertsPages: unknown[][] = [[]]) {
  const { socket, emitted } = recordingSocket();
  const applied: { alerts: unknown[][]; latest: string[]; directoryReads: number } = {
    alerts: [],
    latest: [],
    directoryReads: 0,
  };
  let page = 0;
  const api = {
    alerts: async () => ({
      ok: true,
      value: alertsPages[Math.min(page++, alertsPages.length - 1)],
    }),
  } as unknown as ApiClient;
  const deps: SyncDeps = {
    socket: () => socket,
    api: () => api,
    accessToken: async () => 'token',
    organizationId: () => 'org-1',
    targets: () => targets,
    watchedUnits: () => ['u1', 'u2', 'u3'],
    refreshDirectory: async () => void (applied.directoryReads += 1),
    applyAlerts: (raw) => void applied.alerts.push(raw),
    applyLatest: (unitId) => void applied.latest.push(unitId),
    onUnauthorized: () => undefined,
    getLatest: async (unitId) => ({ answered: true, raw: { unitId } }),
    now: () => 0,
  };
  return { sync: createSync(deps), emitted, applied };
}

/** Deps for the open-alert reconcile alone: no rooms, no units, no directory. */
function alertsOnly(
  socket: FrostlineSocket,
  api: ApiClient,
  applyAlerts: SyncDeps['applyAlerts'],
  now: () => number,
): SyncDeps {
  return {
    socket: () => socket,
    api: () => api,
    accessToken: async () => 'token',
    organizationId: () => 'org-1',
    targets: () => ({ siteIds: [], unitIds: [] }),
    watchedUnits: () => [],
    refreshDirectory: async () => undefined,
    applyAlerts,
    applyLatest: () => undefined,
    onUnauthorized: () => undefined,
    getLatest: async () => ({ answered: false }),
    now,
  };
}

describe('sync after a connect', () => {
  it('subscribes the scope again after every fresh connect, then resynchronises', async () => {
    const { sync, emitted, applied } = setup({ siteIds: ['s1', 's2'], unitIds: ['u9'] });
    await sync.onConnected(false);
    await sync.onConnected(false);
    expect(emitted).toEqual([
      'subscribe:site s1',
      'subscribe:site s2',
      'subscribe:unit u9',
      'subscribe:site s1',
      'subscribe:site s2',
      'subscribe:unit u9',
    ]);
    expect(applied.alerts).toHaveLength(2);
    expect(applied.latest).toEqual(['u1', 'u2', 'u3', 'u1', 'u2', 'u3']);
  });

  // The bug: a subscribe sent just before a crash was lost, the session was
  // recovered without that room, and the client believed it had joined.
  it('subscribes again after a recovered connect too, but does not resynchronise', async () => {
    const { sync, emitted, applied } = setup({ siteIds: ['s1'], unitIds: [] });
    await sync.onConnected(false);
    await sync.onConnected(true);
    expect(emitted).toEqual(['subscribe:site s1', 'subscribe:site s1']);
    expect(applied.alerts).toHaveLength(1);
    expect(applied.latest).toEqual(['u1', 'u2', 'u3']);
  });

  // Issue #10: the directory carries each unit's REST status and last reading;
  // it is read on every (re)connect, recovered ones included.
  it('reads the directory again after every connect, recovered or not', async () => {
    const { sync, applied } = setup({ siteIds: ['s1'], unitIds: [] });
    await sync.onConnected(false);
    await sync.onConnected(true);
    await sync.onConnected(false);
    expect(applied.directoryReads).toBe(3);
  });

  it('reconcile joins new targets and leaves dropped ones', async () => {
    const targets: { siteIds: string[]; unitIds: string[] } = {
      siteIds: ['s1', 's2'],
      unitIds: [],
    };
    const { sync, emitted } = setup(targets);
    await sync.onConnected(false);
    emitted.length = 0;
    targets.siteIds = ['s2', 's3'];
    sync.reconcile();
    expect(emitted).toEqual(['unsubscribe:site s1', 'subscribe:site s3']);
    expect(sync.joined()).toEqual({ sites: ['s2', 's3'], units: [] });
  });

  it('reads every page of open alerts, for each open status', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => ({ id: `a${i}` }));
    const { sync, applied } = setup({ siteIds: [], unitIds: [] }, [full, [{ id: 'last' }], [], []]);
    await sync.onConnected(false);
    expect(applied.alerts[0]).toHaveLength(1001);
  });
});

describe('refreshAlerts: the reconcile of issue #10', () => {
  it('runs one at a time, queues at most one more behind it, and every caller shares it', async () => {
    const { socket } = recordingSocket();
    const requests: string[] = [];
    const applied: number[] = [];
    const gates: (() => void)[] = [];
    const api = {
      alerts: (_t: string, _o: string, status: string) => {
        requests.push(status);
        return new Promise((resolve) => gates.push(() => resolve({ ok: true, value: [] })));
      },
    } as unknown as ApiClient;
    let clock = 0;
    const sync = createSync(
      alertsOnly(
        socket,
        api,
        (_raw, startedAt) => void applied.push(startedAt),
        () => clock,
      ),
    );
    const release = async () => {
      while (gates.length > 0) {
        gates.shift()?.();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    clock = 1;
    const first = sync.refreshAlerts();
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock = 2;
    // Asked while the first is out: its request predates the reason to ask.
    const second = sync.refreshAlerts();
    const third = sync.refreshAlerts();
    expect(third).toBe(second);
    await release();
    await first;
    await release();
    await second;
    // Two reconciles, each one request per open status, applied in order.
    expect(requests).toEqual([
      'active',
      'acknowledged',
      'escalated',
      'active',
      'acknowledged',
      'escalated',
    ]);
    expect(applied).toEqual([1, 2]);
  });
});

describe('alert answers apply in the order their reconciles started (#14)', () => {
  /** A sync whose alert requests wait for `answer(n)`, the n-th reconcile's three requests. */
  function gated() {
    const { socket } = recordingSocket();
    const pending: { reconcile: number; resolve: (v: unknown) => void }[] = [];
    const applied: string[][] = [];
    let started = 0;
    const api = {
      alerts: (_t: string, _o: string, status: string) =>
        new Promise((resolve) => {
          // Each reconcile asks the three open statuses, 'active' first.
          if (status === 'active') started += 1;
          const reconcile = started;
          pending.push({
            reconcile,
            resolve: () => resolve({ ok: true, value: [{ id: `r${reconcile}-${status}` }] }),
          });
        }),
    } as unknown as ApiClient;
    const sync = createSync(
      alertsOnly(
        socket,
        api,
        (raw) => void applied.push((raw as { id: string }[]).map((a) => a.id)),
        () => 0,
      ),
    );
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    const answer = async (reconcile: number) => {
      for (const p of pending.filter((q) => q.reconcile === reconcile)) p.resolve(undefined);
      await settle();
    };
    return { sync, applied, answer, settle, requests: () => pending.length };
  }

  it('applies an earlier reconcile that answers first, then the connect’s that overtakes it', async () => {
    const { sync, applied, answer, settle, requests } = gated();
    // A woken worker asks while its socket connects...
    void sync.refreshAlerts();
    await settle();
    // ...and the connect starts its own beside it, without waiting.
    void sync.onConnected(false);
    await settle();
    expect(requests()).toBe(6);
    await answer(1);
    expect(applied).toEqual([['r1-active', 'r1-acknowledged', 'r1-escalated']]);
    await answer(2);
    expect(applied).toEqual([
      ['r1-active', 'r1-acknowledged', 'r1-escalated'],
      ['r2-active', 'r2-acknowledged', 'r2-escalated'],
    ]);
  });

  it('drops an earlier reconcile that answers after a later-started one was applied', async () => {
    const { sync, applied, answer, settle } = gated();
    void sync.refreshAlerts();
    await settle();
    void sync.onConnected(false);
    await settle();
    await answer(2);
    await answer(1);
    expect(applied).toEqual([['r2-active', 'r2-acknowledged', 'r2-escalated']]);
  });
});
