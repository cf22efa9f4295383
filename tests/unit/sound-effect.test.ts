/**
 * The sound effect and its policy (issue #13), with fake timers: once, repeat
 * every 30 s capped at 10 min, off; stops the moment an alert is acknowledged,
 * snoozed or resolved, or the user signs out; never replays after a worker
 * restart; quiet hours and muted sites as for notifications, critical
 * breaking through quiet hours.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createSoundEffect } from '../../lib/effects/sound';
import type { Alert, Preferences } from '../../lib/model';
import {
  SOUND_MEMORY_LIMIT,
  SOUND_REPEAT_LIMIT_MS,
  SOUND_REPEAT_MS,
  planSounds,
  type SoundTone,
} from '../../lib/sound-policy';
import type { SoundPlayer } from '../../lib/sound-player';
import { SOUND_DURATION_MS } from '../../lib/sound-synth';
import { DEFAULT_SCOPE, soundPlayedItem } from '../../lib/storage';
import { createStore, initialWorkerState, type Store } from '../../lib/store';
import { alert, directory, liveState, MINUTE, prefs, session, T0, triggered } from './fixtures';

const SESSION = session({ organizationId: 'org1' });

class FakePlayer implements SoundPlayer {
  readonly log: string[] = [];
  plays: SoundTone[] = [];
  releases = 0;
  async play(tone: SoundTone) {
    this.plays.push(tone);
    this.log.push(`play:${tone}`);
  }
  async release() {
    this.releases += 1;
    this.log.push('release');
  }
}

function setup(
  options: {
    preferences?: Partial<Preferences>;
    store?: Store;
    snoozed?: Map<string, number>;
  } = {},
) {
  const store =
    options.store ??
    createStore(initialWorkerState(T0, { preferences: prefs(), scope: DEFAULT_SCOPE }));
  if (options.store === undefined) {
    store.dispatch({ type: 'session/begun', session: SESSION });
    store.dispatch({ type: 'connection/live', at: T0, recovered: false });
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    if (options.preferences) {
      store.dispatch({ type: 'preferences/set', preferences: prefs(options.preferences) });
    }
  }
  const player = new FakePlayer();
  const snoozed = options.snoozed ?? new Map<string, number>();
  const effect = createSoundEffect({
    player,
    getState: store.getState,
    snoozedUntil: () => snoozed,
    now: () => Date.now(),
  });
  const unsubscribe = store.subscribe(effect.listener);
  return { store, player, effect, snoozed, unsubscribe };
}

const critical = (id = 'c1', over: Partial<Alert> = {}) =>
  alert({ id, severity: 'critical', severityLabel: 'critical', ...over });

function trigger(store: Store, a: Alert) {
  store.dispatch(triggered(a, Date.now()));
}

function acknowledge(store: Store, alertId: string) {
  store.dispatch({
    type: 'alert/acknowledged',
    alertId,
    by: 'user-1',
    at: Date.now(),
    receivedAt: Date.now(),
  });
}

/** Local `HH:MM` an hour before and after `at`: quiet hours around it. */
function quietAround(at: number): Preferences['quietHours'] {
  const hour = new Date(at).getHours();
  const hh = (h: number) => String((h + 24) % 24).padStart(2, '0');
  return { enabled: true, start: `${hh(hour - 1)}:00`, end: `${hh(hour + 1)}:00` };
}

describe('sound effect', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('critical (default repeat): every 30 s, at most 10 minutes, then releases the player', async () => {
    const { store, player } = setup();
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(0);
    expect(player.plays).toEqual(['critical']);
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_MS - 1);
    expect(player.plays).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(player.plays).toHaveLength(2);
    expect(player.releases).toBe(0);
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_LIMIT_MS);
    // 0, 30, …, 570 s: 20 sounds, none at or after 10 minutes.
    expect(player.plays).toHaveLength(SOUND_REPEAT_LIMIT_MS / SOUND_REPEAT_MS);
    expect(player.log.at(-1)).toBe('release');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(player.plays).toHaveLength(20);
  });

  it('warning (default once): one sound, then the player is released when it ends', async () => {
    const { store, player } = setup();
    trigger(store, alert({ id: 'w1' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(player.plays).toEqual(['warning']);
    expect(player.releases).toBe(0);
    await vi.advanceTimersByTimeAsync(SOUND_DURATION_MS);
    expect(player.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    store.dispatch({ type: 'tick', now: Date.now() });
    expect(player.plays).toEqual(['warning']);
  });

  it('info (default off) and any severity set to off never sound', async () => {
    const { store, player } = setup({
      preferences: { sound: { critical: 'off', warning: 'once', info: 'off' } },
    });
    trigger(store, alert({ id: 'i1', severity: 'info', severityLabel: 'info' }));
    trigger(store, critical('c1'));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(player.plays).toEqual([]);
  });

  it('several alerts due at once make one sound, of the worst severity', async () => {
    const { store, player } = setup();
    store.dispatch({
      type: 'alerts/synced',
      alerts: [alert({ id: 'w1' }), critical('c1')],
      at: Date.now(),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(player.plays).toEqual(['critical']);
  });

  it('stops the moment the alert is acknowledged', async () => {
    const { store, player } = setup();
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(100);
    expect(player.releases).toBe(0);
    acknowledge(store, 'c1');
    // In the same dispatch: no timer, no tick needed.
    expect(player.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_LIMIT_MS);
    expect(player.plays).toEqual(['critical']);
  });

  it('stops the moment the alert is resolved', async () => {
    const { store, player } = setup();
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_MS);
    expect(player.plays).toHaveLength(2);
    store.dispatch({
      type: 'alert/resolved',
      alertId: 'c1',
      unitId: 'u1',
      at: Date.now(),
      receivedAt: Date.now(),
    });
    expect(player.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_LIMIT_MS);
    expect(player.plays).toHaveLength(2);
  });

  it('stops the moment the alert is snoozed, and repeats again when the snooze ends', async () => {
    const { store, player, effect, snoozed } = setup();
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(100);
    snoozed.set('c1', Date.now() + 2 * MINUTE);
    effect.evaluate(); // what the notifications effect's `onSnoozed` calls
    expect(player.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(2 * MINUTE - 200);
    store.dispatch({ type: 'tick', now: Date.now() });
    expect(player.plays).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    store.dispatch({ type: 'tick', now: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(player.plays).toHaveLength(2);
  });

  it('stops the moment the user signs out', async () => {
    const { store, player } = setup();
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(100);
    store.dispatch({ type: 'session/ended' });
    expect(player.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_LIMIT_MS);
    expect(player.plays).toHaveLength(1);
  });

  it('never plays an alert twice after a worker restart; a repeat keeps its schedule', async () => {
    const first = setup();
    first.store.dispatch({
      type: 'alerts/synced',
      alerts: [alert({ id: 'w1' }), critical('c1')],
      at: Date.now(),
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.player.plays).toEqual(['critical']);
    expect(Object.keys(await soundPlayedItem.getValue()).sort()).toEqual(['c1', 'w1']);
    // The worker stops: its effect goes, storage stays.
    first.effect.dispose();
    first.unsubscribe();

    const second = setup({ store: first.store });
    await second.effect.hydrate();
    second.store.dispatch({ type: 'tick', now: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(second.player.plays).toEqual([]);
    // The critical repeat resumes 30 s after its last sound, not at once.
    await vi.advanceTimersByTimeAsync(SOUND_REPEAT_MS - 10_000);
    expect(second.player.plays).toEqual(['critical']);
  });

  it('what is played is stored before the sound starts', async () => {
    const { store, player } = setup();
    const order: string[] = [];
    vi.spyOn(soundPlayedItem, 'setValue').mockImplementation(async () => {
      order.push('saved');
    });
    player.play = async () => void order.push('played');
    trigger(store, critical());
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['saved', 'played']);
  });

  it('quiet hours silence a warning, not a critical alert', async () => {
    const { store, player } = setup({ preferences: { quietHours: quietAround(T0) } });
    trigger(store, alert({ id: 'w1' }));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(player.plays).toEqual([]);
    trigger(store, critical('c1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(player.plays).toEqual(['critical']);
  });

  it('a muted site never sounds, critical or not', async () => {
    const { store, player } = setup({ preferences: { mutedSiteIds: ['s1'] } });
    trigger(store, critical('c1'));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(player.plays).toEqual([]);
  });

  it('"Test sound" plays to its end when signed out too', async () => {
    const { store, effect, player } = setup();
    store.dispatch({ type: 'session/ended' });
    const before = player.releases;
    await effect.test();
    store.dispatch({ type: 'tick', now: Date.now() + 100 });
    expect(player.releases).toBe(before);
    await vi.advanceTimersByTimeAsync(SOUND_DURATION_MS);
    expect(player.releases).toBe(before + 1);
  });

  it('"Test sound" plays once and releases the player when it ends', async () => {
    const { effect, player } = setup();
    await effect.test();
    expect(player.plays).toEqual(['critical']);
    await vi.advanceTimersByTimeAsync(SOUND_DURATION_MS);
    expect(player.releases).toBe(1);
  });
});

describe('planSounds', () => {
  it('does not mark an alert that cannot sound yet (it sounds when it can)', () => {
    const state = liveState([triggered(alert({ id: 'w1' }))]);
    const quiet = planSounds({
      state,
      prefs: prefs({ quietHours: quietAround(T0) }),
      scope: DEFAULT_SCOPE,
      played: new Map(),
      snoozedUntil: new Map(),
      now: T0,
    });
    expect(quiet.play).toBeNull();
    expect(quiet.played.size).toBe(0);
    const later = planSounds({
      state,
      prefs: prefs(),
      scope: DEFAULT_SCOPE,
      played: quiet.played,
      snoozedUntil: new Map(),
      now: T0 + 2 * 60 * MINUTE,
    });
    expect(later.play).toBe('warning');
  });

  it('an unknown severity sounds like a warning', () => {
    const state = liveState([triggered(alert({ id: 'x', severity: 'unknown' }))]);
    const plan = planSounds({
      state,
      prefs: prefs(),
      scope: DEFAULT_SCOPE,
      played: new Map(),
      snoozedUntil: new Map(),
      now: T0,
    });
    expect(plan.play).toBe('warning');
  });

  it('stays bounded without forgetting an open alert', () => {
    const state = liveState([triggered(alert({ id: 'open' }))]);
    const played = new Map([['open', { first: T0 - 1, last: T0 - 1 }]]);
    for (let i = 0; i < SOUND_MEMORY_LIMIT + 10; i += 1) {
      played.set(`closed-${i}`, { first: T0 - 10_000 + i, last: T0 - 10_000 + i });
    }
    const plan = planSounds({
      state,
      prefs: prefs(),
      scope: DEFAULT_SCOPE,
      played,
      snoozedUntil: new Map(),
      now: T0,
    });
    expect(plan.played.size).toBe(SOUND_MEMORY_LIMIT);
    expect(plan.played.has('open')).toBe(true);
    expect(plan.played.has('closed-0')).toBe(false);
  });
});
