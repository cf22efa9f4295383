/**
 * Row 1a's note splits the badge's latency at the frame's arrival in the
 * worker (bench/measure-alert.ts `splitText`): what happened before our code
 * ran, and what our handling took.
 */
import { describe, expect, it } from 'vitest';
import { splitText } from '../../bench/measure-alert';
import { summarize } from '../../bench/stats';

describe('splitText', () => {
  it('says when no frame was seen arriving, rather than printing NaN', () => {
    const none = summarize([Number.NaN, Number.NaN]);
    const text = splitText({ arrival: none, handling: none, notified: none });
    expect(text).toBe('no frame seen arriving (the worker socket was not watched)');
  });

  it('gives each part its own p50 and p99', () => {
    const text = splitText({
      arrival: summarize([1, 1, 1, 22.7]),
      handling: summarize([0.8, 0.8, 0.9, 3.1]),
      notified: summarize([1.2, 1.3, 1.4, 4.5]),
    });
    expect(text).toBe(
      'emit → frame in the worker p50 1.0 / p99 22.7 ms, frame → badge set p50 0.8 / p99 3.1 ms, frame → notification p50 1.3 / p99 4.5 ms (n 4)',
    );
  });
});
