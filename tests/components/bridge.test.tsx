import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResilientPort, type RawPort } from '../../components/bridge';
import type { PortOut } from '../../lib/messages';
import { snapshot } from './fixtures';

class RawFake implements RawPort {
  posted: unknown[] = [];
  disconnected = false;
  private msg: ((m: unknown) => void)[] = [];
  private disc: (() => void)[] = [];
  onMessage = { addListener: (cb: (m: unknown) => void) => void this.msg.push(cb) };
  onDisconnect = { addListener: (cb: () => void) => void this.disc.push(cb) };
  postMessage(m: unknown) {
    this.posted.push(m);
  }
  disconnect() {
    this.disconnected = true;
  }
  deliver(m: unknown) {
    for (const cb of this.msg) cb(m);
  }
  drop() {
    for (const cb of this.disc) cb();
  }
}

describe('createResilientPort', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps what arrives before the page subscribes (the port opens before React mounts)', () => {
    const raw = new RawFake();
    const port = createResilientPort(() => raw);
    const first = { type: 'snapshot', snapshot: snapshot() } as const;
    raw.deliver(first);
    const got: PortOut[] = [];
    port.onMessage((m) => got.push(m));
    expect(got).toEqual([first]);
    // Delivered once: a second subscriber does not get it again.
    const later: PortOut[] = [];
    port.onMessage((m) => later.push(m));
    expect(later).toEqual([]);
  });

  it('reopens a dropped port after a backoff, keeping one copy of each listener', () => {
    const raws: RawFake[] = [];
    const port = createResilientPort(
      () => {
        const raw = new RawFake();
        raws.push(raw);
        return raw;
      },
      { retryDelaysMs: [100, 1_000] },
    );
    const got: PortOut[] = [];
    const drops = vi.fn();
    port.onMessage((m) => got.push(m));
    port.onDisconnect(drops);
    expect(raws).toHaveLength(1);

    raws[0]!.drop();
    expect(drops).toHaveBeenCalledTimes(1);
    port.post({ type: 'hold', entity: 'unit', id: 'u' }); // dropped while down
    vi.advanceTimersByTime(99);
    expect(raws).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(raws).toHaveLength(2);

    // A second drop before any message waits longer.
    raws[1]!.drop();
    vi.advanceTimersByTime(999);
    expect(raws).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(raws).toHaveLength(3);

    const message: PortOut = { type: 'snapshot', snapshot: snapshot() };
    raws[2]!.deliver(message);
    raws[2]!.deliver({ type: 'nonsense' });
    // A late message from a replaced port is ignored.
    raws[0]!.deliver(message);
    expect(got).toEqual([message]);

    port.post({ type: 'hold', entity: 'unit', id: 'u' });
    expect(raws[2]!.posted).toEqual([{ type: 'hold', entity: 'unit', id: 'u' }]);
    expect(raws[0]!.posted).toEqual([]);
  });

  it('stops for good on disconnect()', () => {
    const raws: RawFake[] = [];
    const port = createResilientPort(
      () => {
        const raw = new RawFake();
        raws.push(raw);
        return raw;
      },
      { retryDelaysMs: [10] },
    );
    port.disconnect();
    expect(raws[0]!.disconnected).toBe(true);
    raws[0]!.drop();
    vi.advanceTimersByTime(1_000);
    expect(raws).toHaveLength(1);
  });

  it('retries when connecting throws', () => {
    let calls = 0;
    createResilientPort(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('Could not establish connection');
        return new RawFake();
      },
      { retryDelaysMs: [50] },
    );
    expect(calls).toBe(1);
    vi.advanceTimersByTime(50);
    expect(calls).toBe(2);
  });
});
