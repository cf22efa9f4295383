/**
 * Live updates to the extension's pages (lib/port-hub.ts, STYLE 8): snapshot
 * on connect, coalesced patches at most once per 16 ms, nothing while no page
 * listens, untrusted ports refused, room holds counted across pages.
 *
 * `runtime.Port` has no in-memory implementation in WXT's fake browser
 * (`runtime.connect`/`onConnect` throw "not implemented"), so a port here is
 * the handful of members the hub uses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { LIVE_PORT, type PortOut, type Snapshot } from '../../lib/messages';
import type { Reading } from '../../lib/model';
import {
  PATCH_BURST,
  PATCH_GAP_MS,
  PATCH_INTERVAL_MS,
  createPortHub,
  type Port,
} from '../../lib/port-hub';

type Listener = (...args: unknown[]) => void;

function event() {
  const listeners: Listener[] = [];
  return {
    addListener: (l: Listener) => void listeners.push(l),
    removeListener: (l: Listener) => void listeners.splice(listeners.indexOf(l), 1),
    hasListener: (l: Listener) => listeners.includes(l),
    fire: (...args: unknown[]) => listeners.forEach((l) => l(...args)),
  };
}

function page(options: { name?: string; url?: string; id?: string } = {}) {
  const received: PortOut[] = [];
  const onMessage = event();
  const onDisconnect = event();
  let disconnected = false;
  const port = {
    name: options.name ?? LIVE_PORT,
    sender: {
      id: options.id ?? fakeBrowser.runtime.id,
      url: options.url ?? fakeBrowser.runtime.getURL('/popup.html'),
    },
    postMessage: (message: PortOut) => {
      if (disconnected) throw new Error('Attempting to use a disconnected port object');
      received.push(structuredClone(message));
    },
    disconnect: () => {
      disconnected = true;
    },
    onMessage,
    onDisconnect,
  };
  return {
    port: port as unknown as Port,
    received,
    patches: () =>
      received.filter((m) => m.type === 'patch').map((m) => (m.type === 'patch' ? m.patch : null)),
    send: (message: unknown) => onMessage.fire(message, port),
    close: () => {
      disconnected = true;
      onDisconnect.fire(port);
    },
    get disconnected() {
      return disconnected;
    },
  };
}

const SNAPSHOT = { at: 1 } as unknown as Snapshot;

function hub() {
  const holds: string[] = [];
  const extensionOrigin = new URL(fakeBrowser.runtime.getURL('/')).origin;
  const snapshot = vi.fn(async () => SNAPSHOT);
  const h = createPortHub({
    isTrusted: (port) =>
      port.sender?.id === fakeBrowser.runtime.id &&
      new URL(port.sender.url ?? 'about:blank').origin === extensionOrigin,
    snapshot,
    onHold: (entity, id) => holds.push(`+${entity}:${id}`),
    onRelease: (entity, id) => holds.push(`-${entity}:${id}`),
    now: () => Date.now(),
  });
  return { hub: h, holds, snapshot };
}

describe('port hub', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('posts a snapshot to a page as soon as it connects', async () => {
    const { hub: h, snapshot } = hub();
    const popup = page();
    h.accept(popup.port);
    await vi.advanceTimersByTimeAsync(0);
    expect(popup.received).toEqual([{ type: 'snapshot', snapshot: SNAPSHOT }]);
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(h.active()).toBe(true);
  });

  it.each([
    [
      'another extension',
      { id: 'other-extension', url: 'chrome-extension://other-extension/popup.html' },
    ],
    ['a content script on a web page', { url: 'https://evil.example/' }],
    ['a port with another name', { name: 'frostline:other' }],
  ])('refuses %s', async (_name, options) => {
    const { hub: h, snapshot } = hub();
    const stranger = page(options);
    h.accept(stranger.port);
    h.queue({ diagnostics: {} as never });
    await vi.advanceTimersByTimeAsync(100);
    expect(stranger.disconnected).toBe(true);
    expect(stranger.received).toEqual([]);
    expect(snapshot).not.toHaveBeenCalled();
    expect(h.size()).toBe(0);
  });

  it('coalesces changes: at once when idle, then paced', async () => {
    const { hub: h } = hub();
    const popup = page();
    h.accept(popup.port);
    await vi.advanceTimersByTimeAsync(0);
    const reading = (id: string) => ({ id, at: 1, temperature: 3 }) as never;
    for (let i = 0; i < 50; i += 1)
      h.queue({ readings: [{ unitId: 'u1', readings: [reading(`r${i}`)] }] });
    h.queue({ alerts: { upsert: [{ id: 'a1' } as never] } });
    h.queue({ alerts: { remove: ['a1'] } });
    expect(popup.patches()).toHaveLength(0);
    // The first change after a quiet spell goes out as soon as the current
    // event is handled (no timer: a microtask), all of it in one patch.
    await Promise.resolve();
    const [first] = popup.patches();
    expect(popup.patches()).toHaveLength(1);
    expect(first?.readings?.u1).toHaveLength(50);
    expect(first?.alerts).toEqual({ upsert: [], remove: ['a1'] });

    // A change right after a patch waits PATCH_GAP_MS, gathered with what follows.
    const flushedAt = first?.at ?? 0;
    h.queue({ readings: [{ unitId: 'u1', readings: [reading('late')] }] });
    h.queue({ readings: [{ unitId: 'u1', readings: [reading('later')] }] });
    await vi.advanceTimersByTimeAsync(PATCH_GAP_MS - 1);
    expect(popup.patches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(popup.patches()).toHaveLength(2);
    expect(popup.patches()[1]?.at).toBe(flushedAt + PATCH_GAP_MS);
    expect(popup.patches()[1]?.readings?.u1).toHaveLength(2);
    // Two patches in this frame: the next change waits for the frame's end.
    h.queue({ readings: [{ unitId: 'u1', readings: [reading('next')] }] });
    await vi.advanceTimersByTimeAsync(PATCH_INTERVAL_MS - PATCH_GAP_MS - 1);
    expect(popup.patches()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(popup.patches()[2]?.at).toBe(flushedAt + PATCH_INTERVAL_MS);

    // Steady stream for 1 s: never more than PATCH_BURST patches per 16 ms.
    const before = popup.patches().length;
    for (let t = 0; t < 1_000; t += 2) {
      h.queue({ readings: [{ unitId: 'u1', readings: [reading(`s${t}`)] }] });
      await vi.advanceTimersByTimeAsync(2);
    }
    const sent = popup.patches().length - before;
    expect(sent).toBeGreaterThan(50);
    expect(sent).toBeLessThanOrEqual(Math.ceil(1_000 / PATCH_INTERVAL_MS) * PATCH_BURST + 1);
  });

  it("sends a unit's latest reading once: by id when the patch carries it in its readings", async () => {
    const { hub: h } = hub();
    const popup = page();
    h.accept(popup.port);
    await vi.advanceTimersByTimeAsync(0);
    const older = { id: 'r1', at: 1, temperature: 3 } as never;
    const newest = { id: 'r2', at: 2, temperature: 4 } as never;
    const elsewhere = { id: 'r0', at: 5, temperature: 5 } as never;
    h.queue({
      readings: [{ unitId: 'u1', readings: [older, newest] }],
      units: [
        { unitId: 'u1', latest: newest, state: 'normal' },
        // A latest the patch does not carry (an earlier reading still newest) goes in full.
        { unitId: 'u2', latest: elsewhere, state: 'warning' },
        { unitId: 'u3', latest: null, state: 'offline' },
      ],
    });
    await Promise.resolve();
    const [patch] = popup.patches();
    expect(patch?.units).toEqual({
      u1: { state: 'normal', latestId: 'r2' },
      u2: { state: 'warning', latest: elsewhere },
      u3: { state: 'offline', latest: null },
    });
    expect(patch?.readings?.u1).toEqual([older, newest]);
  });

  it('sends the reading history after the snapshot, one chunk per task', async () => {
    const reading = (id: string) => ({ id, at: 1, temperature: 3 }) as never;
    const chunks: Record<string, Reading[]>[] = [
      { u1: [reading('a')] },
      { u2: [reading('b')] },
      { u3: [reading('c')] },
    ];
    const extensionOrigin = new URL(fakeBrowser.runtime.getURL('/')).origin;
    const h = createPortHub({
      isTrusted: (port) => new URL(port.sender?.url ?? 'about:blank').origin === extensionOrigin,
      snapshot: async () => SNAPSHOT,
      onHold: () => undefined,
      onRelease: () => undefined,
      backfill: () => chunks,
      now: () => Date.now(),
    });
    const popup = page();
    h.accept(popup.port);
    await Promise.resolve();
    await Promise.resolve();
    // The snapshot first, alone: the page paints before any history arrives.
    expect(popup.received.map((m) => m.type)).toEqual(['snapshot']);
    await vi.advanceTimersByTimeAsync(0);
    expect(popup.patches().map((p) => Object.keys(p?.readings ?? {}))).toEqual([['u1']]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(popup.patches().map((p) => Object.keys(p?.readings ?? {}))).toEqual([
      ['u1'],
      ['u2'],
      ['u3'],
    ]);
    // A page that closes mid-way gets nothing more.
    const second = page();
    h.accept(second.port);
    await Promise.resolve();
    await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
    second.close();
    await vi.advanceTimersByTimeAsync(10);
    expect(second.patches()).toHaveLength(1);
  });

  it('resync sends every page a new snapshot and drops what was waiting to go out', async () => {
    const { hub: h, snapshot } = hub();
    const popup = page();
    const options = page({ url: fakeBrowser.runtime.getURL('/options.html') });
    h.accept(popup.port);
    h.accept(options.port);
    await vi.advanceTimersByTimeAsync(0);
    // A change queued just after a flush waits for the frame...
    h.queue({ diagnostics: {} as never });
    await vi.advanceTimersByTimeAsync(1);
    h.queue({ diagnostics: {} as never });
    // ...and a resync (the scope changed) supersedes it.
    h.resync();
    await vi.advanceTimersByTimeAsync(PATCH_INTERVAL_MS * 2);
    const kinds = (p: ReturnType<typeof page>) => p.received.map((m) => m.type);
    expect(kinds(popup)).toEqual(['snapshot', 'patch', 'snapshot']);
    expect(kinds(options)).toEqual(['snapshot', 'patch', 'snapshot']);
    expect(snapshot).toHaveBeenCalledTimes(4);
  });

  it('queues nothing and sets no timer while no page listens', async () => {
    const { hub: h } = hub();
    h.queue({ readings: [{ unitId: 'u1', readings: [] }] });
    expect(vi.getTimerCount()).toBe(0);
    const popup = page();
    h.accept(popup.port);
    await vi.advanceTimersByTimeAsync(100);
    // The page got its snapshot, and none of what happened before it opened.
    expect(popup.received.map((m) => m.type)).toEqual(['snapshot']);

    h.queue({ diagnostics: {} as never });
    popup.close();
    expect(h.active()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(popup.received.map((m) => m.type)).toEqual(['snapshot']);
  });

  it('counts holds across pages and releases them when pages close', async () => {
    const { hub: h, holds } = hub();
    const popup = page();
    const options = page({ url: fakeBrowser.runtime.getURL('/options.html') });
    h.accept(popup.port);
    h.accept(options.port);
    popup.send({ type: 'hold', entity: 'unit', id: 'u1' });
    popup.send({ type: 'hold', entity: 'unit', id: 'u1' });
    options.send({ type: 'hold', entity: 'unit', id: 'u1' });
    options.send({ type: 'hold', entity: 'site', id: 's1' });
    expect(holds).toEqual(['+unit:u1', '+site:s1']);
    expect(h.holds()).toEqual([
      { entity: 'unit', id: 'u1' },
      { entity: 'site', id: 's1' },
    ]);

    // A release of something this page never held changes nothing.
    options.send({ type: 'release', entity: 'site', id: 'nope' });
    popup.send({ type: 'release', entity: 'unit', id: 'u1' });
    expect(holds).toEqual(['+unit:u1', '+site:s1']);

    options.close();
    expect(holds).toEqual(['+unit:u1', '+site:s1', '-site:s1']);
    expect(h.holds()).toEqual([{ entity: 'unit', id: 'u1' }]);
    popup.close();
    expect(holds).toEqual(['+unit:u1', '+site:s1', '-site:s1', '-unit:u1']);
    expect(h.holds()).toEqual([]);
  });

  it.each([
    ['not an object', 'hold'],
    ['an unknown type', { type: 'grab', entity: 'unit', id: 'u1' }],
    ['an unknown entity', { type: 'hold', entity: 'org', id: 'o1' }],
    ['an empty id', { type: 'hold', entity: 'unit', id: '' }],
    ['a too-long id', { type: 'hold', entity: 'unit', id: 'x'.repeat(129) }],
  ])('ignores a hold that is %s', (_name, message) => {
    const { hub: h, holds } = hub();
    const popup = page();
    h.accept(popup.port);
    popup.send(message);
    expect(holds).toEqual([]);
    expect(h.holds()).toEqual([]);
  });

  it('drops a page whose port throws on post and keeps serving the others', async () => {
    const { hub: h, holds } = hub();
    const popup = page();
    const options = page({ url: fakeBrowser.runtime.getURL('/options.html') });
    h.accept(popup.port);
    h.accept(options.port);
    await vi.advanceTimersByTimeAsync(0);
    popup.send({ type: 'hold', entity: 'unit', id: 'u1' });
    // Gone without onDisconnect (the page was killed between the check and the post).
    (popup.port as unknown as { disconnect(): void }).disconnect();
    h.queue({ diagnostics: {} as never });
    await vi.advanceTimersByTimeAsync(PATCH_INTERVAL_MS);
    expect(h.size()).toBe(1);
    expect(holds).toEqual(['+unit:u1', '-unit:u1']);
    expect(options.patches()).toHaveLength(1);
  });
});
