import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterNextPaint } from '../../components/after-paint';

/** A frame clock the test steps by hand. */
function stubFrames() {
  const callbacks = new Map<number, FrameRequestCallback>();
  let next = 1;
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    callbacks.set(next, cb);
    return next++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => callbacks.delete(id));
  return {
    frame() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const cb of due) cb(0);
    },
  };
}

describe('afterNextPaint', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('runs in a task after the next frame, not before it', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const frames = stubFrames();
    const fn = vi.fn();
    afterNextPaint(fn);
    vi.runAllTimers();
    expect(fn).not.toHaveBeenCalled();
    frames.frame();
    expect(fn).not.toHaveBeenCalled(); // the frame's paint comes first
    vi.runAllTimers();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('is cancelled before the frame and between the frame and the task', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const frames = stubFrames();
    const early = vi.fn();
    const late = vi.fn();
    afterNextPaint(early)();
    const cancelLate = afterNextPaint(late);
    frames.frame();
    cancelLate();
    vi.runAllTimers();
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it('runs in the next task where there are no frames', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', undefined);
    const fn = vi.fn();
    afterNextPaint(fn);
    expect(fn).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(fn).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    afterNextPaint(cancelled)();
    vi.runAllTimers();
    expect(cancelled).not.toHaveBeenCalled();
  });
});
