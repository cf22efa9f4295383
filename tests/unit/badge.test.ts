import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { browser } from 'wxt/browser';
import {
  BADGE_COLORS,
  DEFAULT_BADGE_GRACE_MS,
  badgeFor,
  createBadgeRenderer,
  type Badge,
  type BadgeInput,
  type BadgeSurface,
} from '../../lib/badge';
import type { ConnectionError, Scope } from '../../lib/model';
import { initialState, reduce, reduceAll, type State, type StateEvent } from '../../lib/state';
import { alert, directory, reading } from './fixtures';

// Local wall-clock times, so that `formatClock` reads the same in every time zone.
const at = (h: number, m: number, s = 0) => new Date(2024, 5, 1, h, m, s).getTime();
const ORG: Scope = { kind: 'organization' };
const STALE_MS = 15 * 60_000;
const transport: ConnectionError = { code: 'transport', message: 'transport close', at: at(12, 1) };

function live(events: StateEvent[] = []): State {
  return reduceAll(initialState(at(11, 50)), [
    { type: 'connection/connecting', at: at(11, 55) },
    { type: 'connection/live', at: at(11, 56), recovered: false },
    { type: 'directory/loaded', directory: directory() },
    {
      type: 'readings',
      receivedAt: at(12, 0),
      batches: ['u1', 'u2', 'u3'].map((unitId) => ({
        unitId,
        readings: [reading({ id: `${unitId}-r`, unitId, at: at(12, 0) })],
      })),
    },
    ...events,
  ]);
}

const trigger = (
  id: string,
  severity: 'critical' | 'warning' | 'info' | 'unknown',
  unitId = 'u1',
): StateEvent => ({
  type: 'alert/triggered',
  alert: alert({ id, severity, unitId, triggeredAt: at(12, 0) }),
  receivedAt: at(12, 0),
});

function input(state: State, now: number, scope: Scope = ORG): BadgeInput {
  return { state, scope, staleMs: STALE_MS, graceMs: DEFAULT_BADGE_GRACE_MS, now };
}

describe('badgeFor', () => {
  const cases: {
    name: string;
    state: () => State;
    now?: number;
    scope?: Scope;
    text: string;
    color?: string;
    title: string[];
  }[] = [
    {
      name: 'signed out',
      state: () => initialState(at(12, 0)),
      text: '!',
      color: BADGE_COLORS.signedOut,
      title: ['monitoring is off', 'Sign in'],
    },
    {
      name: 'signed out after a failed refresh',
      state: () =>
        reduce(live(), {
          type: 'connection/signed-out',
          at: at(12, 1),
          error: { code: 'refresh-failed', message: 'refresh failed', at: at(12, 1) },
        }),
      text: '!',
      title: ['monitoring is off, your session expired'],
    },
    {
      name: 'connecting at start',
      state: () =>
        reduce(initialState(at(12, 0)), { type: 'connection/connecting', at: at(12, 0) }),
      now: at(12, 5),
      text: '...',
      title: ['connecting', 'No update yet'],
    },
    {
      name: 'live, nothing wrong',
      state: () => live(),
      text: '',
      title: ['live, watching 3 units', 'No active alerts', '0 stale units', 'Last update 12:00'],
    },
    {
      name: 'one warning',
      state: () => live([trigger('a', 'warning')]),
      text: '1',
      color: BADGE_COLORS.warning,
      title: ['Active alerts: 1 warning'],
    },
    {
      name: 'a warning and a critical: red',
      state: () => live([trigger('a', 'warning'), trigger('b', 'critical')]),
      text: '2',
      color: BADGE_COLORS.critical,
      title: ['Active alerts: 1 critical, 1 warning'],
    },
    {
      name: 'an unknown severity: amber',
      state: () => live([trigger('a', 'unknown'), trigger('b', 'info')]),
      text: '2',
      color: BADGE_COLORS.warning,
      title: ['1 unknown, 1 info'],
    },
    {
      name: 'info only: blue',
      state: () => live([trigger('a', 'info')]),
      text: '1',
      color: BADGE_COLORS.info,
      title: ['1 info'],
    },
    {
      name: 'acknowledged only: no count, mentioned in the title',
      state: () =>
        live([
          trigger('a', 'critical'),
          {
            type: 'alert/acknowledged',
            alertId: 'a',
            by: null,
            at: at(12, 0),
            receivedAt: at(12, 0),
          },
        ]),
      text: '',
      title: ['No active alerts; 1 acknowledged'],
    },
    {
      name: 'more than 99',
      state: () => live(Array.from({ length: 150 }, (_, i) => trigger(`a${i}`, 'warning'))),
      text: '99+',
      title: ['150 warning'],
    },
    {
      name: 'an alert outside the scope does not count',
      state: () => live([trigger('a', 'critical', 'u3')]),
      scope: { kind: 'selection', siteIds: ['s1'], unitIds: [] },
      text: '',
      title: ['live, watching 2 units', 'No active alerts'],
    },
    {
      name: 'an alert of a unit the directory does not know counts',
      state: () => live([trigger('a', 'critical', 'brand-new')]),
      scope: { kind: 'selection', siteIds: ['s1'], unitIds: [] },
      text: '1',
      color: BADGE_COLORS.critical,
      title: ['Active alerts: 1 critical'],
    },
    {
      name: 'stale units',
      state: () => live(),
      now: at(12, 20),
      text: '',
      title: ['3 stale units'],
    },
  ];

  it.each(cases)('$name', ({ state, now, scope, text, color, title }) => {
    const badge = badgeFor(input(state(), now ?? at(12, 0, 30), scope));
    expect(badge.text).toBe(text);
    if (color !== undefined) expect(badge.color).toBe(color);
    for (const fragment of title) expect(badge.title).toContain(fragment);
  });

  it('counts the alerts of a woken worker that is still restoring, and says nothing of its units', () => {
    const state = reduce(initialState(at(12, 0)), { type: 'connection/connecting', at: at(12, 0) });
    const restoring = reduceAll(state, [
      { type: 'directory/loaded', directory: directory(), seed: false },
      { type: 'connection/live', at: at(12, 0), recovered: false },
      trigger('a', 'critical'),
    ]);
    const badge = badgeFor({ ...input(restoring, at(12, 1)), restoring: true });
    expect(badge.text).toBe('1');
    expect(badge.title.split('\n')).toEqual([
      'Frostline: live, watching 3 units',
      'Active alerts: 1 critical',
      'Restoring the last readings…',
      'Last update 12:00',
    ]);
    // Restored, the same state is described unit by unit: 3 without data.
    const after = badgeFor({ ...input(restoring, at(12, 1)), restoring: false });
    expect(after.title).toContain('0 stale units');
    expect(after.title).not.toContain('Restoring');
  });

  it('uses dark text on amber and white elsewhere', () => {
    expect(badgeFor(input(live([trigger('a', 'warning')]), at(12, 1))).textColor).toBe('#111827');
    expect(badgeFor(input(live([trigger('a', 'critical')]), at(12, 1))).textColor).toBe('#ffffff');
  });

  describe('grace period', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('keeps the live badge for 10 s after a drop, then shows off with the times', () => {
      const state = reduce(live([trigger('a', 'critical')]), {
        type: 'connection/down',
        at: at(12, 1),
        error: transport,
        offline: false,
      });
      vi.setSystemTime(at(12, 1));
      vi.advanceTimersByTime(9_999);
      const during = badgeFor(input(state, Date.now()));
      expect(during).toMatchObject({ text: '1', color: BADGE_COLORS.critical });
      expect(during.title).toContain('reconnecting (since 12:01)');

      vi.advanceTimersByTime(1);
      const after = badgeFor(input(state, Date.now()));
      expect(after).toMatchObject({ text: 'off', color: BADGE_COLORS.off });
      expect(after.title).toContain('not live since 12:01, last data 12:00');
      expect(after.title).toContain('Active alerts: 1 critical');
    });

    it('says when the browser is offline', () => {
      const state = reduce(live(), {
        type: 'connection/down',
        at: at(12, 1),
        error: { ...transport, code: 'browser-offline' },
        offline: true,
      });
      vi.setSystemTime(at(12, 2));
      const badge = badgeFor(input(state, Date.now()));
      expect(badge.text).toBe('off');
      expect(badge.title).toContain('(browser offline)');
    });

    it('a first connection that fails shows ... during the grace period, then off', () => {
      const state = reduceAll(initialState(at(12, 0)), [
        { type: 'connection/connecting', at: at(12, 0) },
        { type: 'connection/down', at: at(12, 0), error: transport, offline: false },
      ]);
      expect(badgeFor(input(state, at(12, 0, 5))).text).toBe('...');
      const off = badgeFor(input(state, at(12, 0, 11)));
      expect(off.text).toBe('off');
      expect(off.title).toContain('no data yet');
    });
  });

  it('shows the last data time on the local clock (server clock offset removed)', () => {
    const state = reduceAll(live(), [
      // Server 2 min ahead: its readings look 2 min newer than our clock.
      { type: 'connection/rtt', rtt: 0, serverTime: at(12, 2), at: at(12, 0) },
      { type: 'connection/down', at: at(12, 1), error: transport, offline: false },
    ]);
    expect(badgeFor(input(state, at(12, 5))).title).toContain('last data 11:58');
  });
});

describe('createBadgeRenderer', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  const badge: Badge = {
    text: '2',
    color: '#d32f2f',
    textColor: '#ffffff',
    title: 'Frostline: two alerts',
  };

  it('writes the badge to browser.action', async () => {
    const renderer = createBadgeRenderer(fakeBrowser.action);
    const result = await renderer.render(badge);
    expect(result.failed).toEqual([]);
    expect(result.written.sort()).toEqual(['color', 'text', 'textColor', 'title']);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    expect(await fakeBrowser.action.getTitle({})).toBe('Frostline: two alerts');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([211, 47, 47, 255]);
  });

  it('writes only what changed', async () => {
    const setText = vi.spyOn(fakeBrowser.action, 'setBadgeText');
    const setTitle = vi.spyOn(fakeBrowser.action, 'setTitle');
    const renderer = createBadgeRenderer(fakeBrowser.action);
    await renderer.render(badge);
    await renderer.render(badge);
    expect(setText).toHaveBeenCalledTimes(1);
    const result = await renderer.render({ ...badge, title: 'changed' });
    expect(result.written).toEqual(['title']);
    expect(setText).toHaveBeenCalledTimes(1);
    expect(setTitle).toHaveBeenCalledTimes(2);
  });

  it('retries a failed write on the next render and never throws', async () => {
    const setTitle = vi
      .spyOn(fakeBrowser.action, 'setTitle')
      .mockRejectedValueOnce(new Error('gone'));
    const renderer = createBadgeRenderer(fakeBrowser.action);
    const first = await renderer.render(badge);
    expect(first.failed).toEqual(['title']);
    const second = await renderer.render(badge);
    expect(second.written).toEqual(['title']);
    expect(setTitle).toHaveBeenCalledTimes(2);
  });

  it('tells each confirmed field as soon as it is written, before a slow one', async () => {
    let releaseTitle: () => void = () => undefined;
    const heard: string[] = [];
    let refuseColor = true;
    const surface: BadgeSurface = {
      setBadgeText: async () => undefined,
      setBadgeBackgroundColor: async () => {
        if (refuseColor) throw new Error('refused');
      },
      setTitle: () =>
        new Promise<void>((resolve) => {
          releaseTitle = resolve;
        }),
    };
    const renderer = createBadgeRenderer(surface, (field, value) =>
      heard.push(`${field}:${value}`),
    );
    const rendering = renderer.render(badge);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The text is confirmed while the title is still pending; a refused colour is not told.
    expect(heard).toEqual(['text:2']);
    releaseTitle();
    await rendering;
    expect(heard).toEqual(['text:2', 'title:Frostline: two alerts']);
    // Unchanged fields are not written again, so not told again; the refused colour is retried.
    refuseColor = false;
    await renderer.render(badge);
    expect(heard).toEqual(['text:2', 'title:Frostline: two alerts', 'color:#d32f2f']);
  });

  // #14: a woken worker restores its units only once the badge is drawn.
  it('idle() waits for every write in flight, over overlapping renders, failed ones too', async () => {
    const gates: (() => void)[] = [];
    const held = () => new Promise<void>((resolve) => gates.push(resolve));
    const surface: BadgeSurface = {
      setBadgeText: held,
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async () => {
        await held();
        throw new Error('refused');
      },
    };
    const renderer = createBadgeRenderer(surface);
    let idle = false;
    await renderer.idle();
    const first = renderer.render(badge);
    const second = renderer.render({ ...badge, text: '3' });
    void renderer.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gates).toHaveLength(3); // text '2', title, text '3'
    gates.shift()?.();
    gates.shift()?.();
    await first;
    expect(idle).toBe(false);
    gates.shift()?.();
    await second;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(idle).toBe(true);
  });

  it('works without setBadgeTextColor (older browsers)', async () => {
    const calls: string[] = [];
    const surface: BadgeSurface = {
      setBadgeText: ({ text }) => void calls.push(`text:${text}`),
      setBadgeBackgroundColor: ({ color }) => void calls.push(`color:${color}`),
      setTitle: ({ title }) => void calls.push(`title:${title}`),
    };
    const result = await createBadgeRenderer(surface).render(badge);
    expect(result.failed).toEqual([]);
    expect(calls.sort()).toEqual(['color:#d32f2f', 'text:2', 'title:Frostline: two alerts']);
  });
});

// Compile-time: the real browser API fits the narrow surface.
export const realSurfaceFits = (b: typeof browser): BadgeSurface => b.action;
