import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLatestBatcher, LATEST_BATCH_MS } from '../../lib/monitoring';
import type { ReadingsBatch } from '../../lib/state';
import type { Reading } from '../../lib/model';

const reading = (unitId: string, at: number): Reading =>
  ({ id: `${unitId}-${at}`, unitId, at, temperature: 4 }) as unknown as Reading;

function setup(organizationId: { current: string | null }) {
  const applied: ReadingsBatch[][] = [];
  const batcher = createLatestBatcher({
    organizationId: () => organizationId.current,
    apply: (batches) => applied.push(batches),
  });
  return { batcher, applied };
}

describe("the resync's latest readings, applied in batches", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies the answers of one window as one batch, in arrival order', () => {
    const { batcher, applied } = setup({ current: 'org-a' });
    batcher.add('u1', reading('u1', 1));
    batcher.add('u2', reading('u2', 2));
    vi.advanceTimersByTime(LATEST_BATCH_MS - 1);
    batcher.add('u3', reading('u3', 3));
    expect(applied).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(applied.map((batches) => batches.map((b) => b.unitId))).toEqual([['u1', 'u2', 'u3']]);
    // The next answer opens a new window.
    batcher.add('u4', reading('u4', 4));
    vi.advanceTimersByTime(LATEST_BATCH_MS);
    expect(applied.map((batches) => batches.map((b) => b.unitId))).toEqual([
      ['u1', 'u2', 'u3'],
      ['u4'],
    ]);
    expect(applied[1]?.[0]?.readings).toEqual([reading('u4', 4)]);
  });

  it("drops a batch gathered under another organization's session", () => {
    const org = { current: 'org-a' as string | null };
    const { batcher, applied } = setup(org);
    batcher.add('u1', reading('u1', 1));
    org.current = 'org-b';
    vi.advanceTimersByTime(LATEST_BATCH_MS);
    expect(applied).toHaveLength(0);
    batcher.add('v1', reading('v1', 1));
    org.current = null; // signed out
    vi.advanceTimersByTime(LATEST_BATCH_MS);
    expect(applied).toHaveLength(0);
  });

  it('applies nothing once cleared (monitoring stopped)', () => {
    const { batcher, applied } = setup({ current: 'org-a' });
    batcher.add('u1', reading('u1', 1));
    batcher.clear();
    vi.advanceTimersByTime(LATEST_BATCH_MS * 2);
    expect(applied).toHaveLength(0);
    batcher.add('u2', reading('u2', 2));
    vi.advanceTimersByTime(LATEST_BATCH_MS);
    expect(applied.map((batches) => batches.map((b) => b.unitId))).toEqual([['u2']]);
  });
});
