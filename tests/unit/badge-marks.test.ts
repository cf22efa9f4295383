/**
 * The badge texts the browser confirmed are User Timing marks (lib/marks.ts
 * `markBadge`): the bench's wake row reads them to tell when a woken
 * worker's badge was right. Only confirmed writes, and a bounded number.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Action = {
  setBadgeText: (details: { text: string }) => Promise<void>;
  setBadgeBackgroundColor: () => Promise<void>;
  setTitle: () => Promise<void>;
};

const badgeMarks = () =>
  performance.getEntriesByName('frostline:badge').map((m) => (m as PerformanceMark).detail);

describe('badge marks', () => {
  beforeEach(() => {
    performance.clearMarks();
    // A fresh module: the bound counts per worker instance.
    vi.resetModules();
  });

  it('marks each confirmed text, never a failed one, up to BADGE_MARKS', async () => {
    const { createBadgeEffect } = await import('../../lib/effects/badge');
    const { BADGE_MARKS } = await import('../../lib/marks');
    const { DEFAULT_PREFERENCES, DEFAULT_SCOPE } = await import('../../lib/storage');
    const { createWorkerView, initialWorkerState } = await import('../../lib/store');
    let fail = false;
    const action: Action = {
      setBadgeText: async () => {
        if (fail) throw new Error('no badge now');
      },
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async () => undefined,
    };
    const state = initialWorkerState(0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE });
    let worker = { ...state, live: { ...state.live, connection: { ...state.live.connection } } };
    const effect = createBadgeEffect({
      action: action as never,
      getState: () => worker,
      view: createWorkerView(),
      now: () => 0,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    /** Renders the badge for a connection status and lets the writes land. */
    const renderWith = async (status: 'connecting' | 'signed-out') => {
      worker = {
        ...worker,
        live: { ...worker.live, connection: { ...worker.live.connection, status, since: 0 } },
      };
      effect.render();
      await settle();
    };

    // Signed out ('!'), then connecting ('...').
    effect.render();
    await settle();
    await renderWith('connecting');
    const [signedOut, connecting] = badgeMarks() as string[];
    expect(connecting).toBe('...');
    expect(signedOut).not.toBe('...');

    // A text the browser refused is not marked.
    fail = true;
    await renderWith('signed-out');
    expect(badgeMarks()).toEqual([signedOut, '...']);

    // Bounded: a worker that lives for days does not grow its timeline.
    const { markBadge } = await import('../../lib/marks');
    for (let i = 0; i < BADGE_MARKS * 2; i += 1) markBadge(String(i));
    expect(badgeMarks()).toHaveLength(BADGE_MARKS);
  });
});
