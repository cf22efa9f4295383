import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settledWithin } from '../../lib/settle';

describe('settledWithin', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const state = (promise: Promise<void>) => {
    const seen = { done: false };
    void promise.then(() => (seen.done = true));
    return seen;
  };

  it('resolves when the work does, and leaves no timer behind', async () => {
    let finish: () => void = () => undefined;
    const seen = state(settledWithin(new Promise<void>((r) => (finish = r)), 100));
    await vi.advanceTimersByTimeAsync(50);
    expect(seen.done).toBe(false);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves after the bound when the work hangs', async () => {
    const seen = state(settledWithin(new Promise<void>(() => undefined), 100));
    await vi.advanceTimersByTimeAsync(99);
    expect(seen.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.done).toBe(true);
  });

  it('resolves, never rejects, when the work fails', async () => {
    const seen = state(settledWithin(Promise.reject(new Error('gone')), 100));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.done).toBe(true);
  });
});
