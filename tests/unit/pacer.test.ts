import { describe, expect, it } from 'vitest';
import { createPacer } from '../../lib/pacer';

describe('pacer (#14)', () => {
  const options = { minGapMs: 2, windowMs: 16, perWindow: 2 };

  it('flushes at once when idle, and again at once after a quiet spell', () => {
    const pacer = createPacer(options);
    expect(pacer.delay(1_000)).toBe(0);
    pacer.flushed(1_000);
    expect(pacer.delay(1_002)).toBe(0);
    pacer.flushed(1_002);
    expect(pacer.delay(1_100)).toBe(0);
  });

  it('gathers for minGapMs right after a flush', () => {
    const pacer = createPacer(options);
    pacer.flushed(1_000);
    expect(pacer.delay(1_000)).toBe(2);
    expect(pacer.delay(1_001)).toBe(1);
  });

  it('allows at most perWindow flushes in any windowMs', () => {
    const pacer = createPacer(options);
    pacer.flushed(1_000);
    pacer.flushed(1_002);
    expect(pacer.delay(1_003)).toBe(13);
    expect(pacer.delay(1_015)).toBe(1);
    pacer.flushed(1_016);
    // The window now starts at the second flush: the next one waits until 1,018.
    expect(pacer.delay(1_016)).toBe(2);
    expect(pacer.delay(1_017)).toBe(1);
  });
});
