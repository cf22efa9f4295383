/**
 * Reconciling the open alerts through REST (issue #10): an acknowledge or a
 * resolve made elsewhere is never pushed, so `alerts/synced` carries the
 * REST list, and the reducer decides what it changes, races included.
 */
import { badgeFor } from '../../lib/badge';
import { acknowledgedByLabel } from '../../lib/format';
import { reduceAll, type StateEvent } from '../../lib/state';
import { planNotifications } from '../../lib/notification-policy';
import { alert, liveState, MINUTE, prefs, T0, triggered } from './fixtures';

const COLLEAGUE = '5e8a2b4c-9d1f-4a6e-b3c7-8f0e1d2c3b4a';
const ME = '7d2c5b1e-4a0f-4c3e-9b8a-1f2e3d4c5b6a';

function synced(alerts: ReturnType<typeof alert>[], at: number, sentAt = at): StateEvent {
  return { type: 'alerts/synced', alerts, at, sentAt };
}

describe('alerts reconciled through REST (#10)', () => {
  it('shows an alert a colleague acknowledged as acknowledged, by a readable label', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [
      triggered(open),
      synced(
        [
          {
            ...open,
            status: 'acknowledged',
            acknowledgedAt: T0 - MINUTE,
            acknowledgedBy: COLLEAGUE,
          },
        ],
        T0,
      ),
    ]);
    const acked = state.alerts.get('a1');
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: T0 - MINUTE,
      acknowledgedBy: COLLEAGUE,
    });
    expect(acked?.acknowledgedByYou).toBeUndefined();
    expect(acknowledgedByLabel(acked!)).toBe('another supervisor');
  });

  it('removes (and tombstones) an alert resolved elsewhere', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'gone', triggeredAt: T0 - 10 * MINUTE }), T0 - 10 * MINUTE),
      synced([], T0),
    ]);
    expect(state.alerts.has('gone')).toBe(false);
    expect(state.alertSeenAt.has('gone')).toBe(false);
    expect(state.tombstones.has('gone')).toBe(true);
  });

  it('never resurrects an alert resolved by push while the request was out', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [
      triggered(open, T0 - 10 * MINUTE),
      // The request went out at T0 and the answer still lists it, but the push
      // (the evaluator: back in range) came first.
      {
        type: 'alert/resolved',
        alertId: 'a1',
        unitId: open.unitId,
        at: T0 + 1000,
        receivedAt: T0 + 1000,
      },
      synced([open], T0),
    ]);
    expect(state.alerts.has('a1')).toBe(false);
  });

  it('keeps an alert pushed after the request went out, even when its triggeredAt is older', () => {
    // The server dates an alert by its reading, which can be older than the request.
    const late = alert({ id: 'late', triggeredAt: T0 - 2000 });
    const state = reduceAll(liveState(), [triggered(late, T0 + 500), synced([], T0, T0)]);
    expect(state.alerts.has('late')).toBe(true);
    // The next reconcile, sent after it arrived, does remove it if it is gone.
    const after = reduceAll(state, [synced([], T0 + MINUTE, T0 + MINUTE)]);
    expect(after.alerts.has('late')).toBe(false);
  });

  it('drops an alert pushed before the request went out and missing from the answer', () => {
    const early = alert({ id: 'early', triggeredAt: T0 - 2000 });
    const state = reduceAll(liveState(), [triggered(early, T0 - 1000), synced([], T0, T0)]);
    expect(state.alerts.has('early')).toBe(false);
  });

  it('keeps our own acknowledge (as "you") against an older answer that says active', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [
      triggered(open),
      {
        type: 'alert/acknowledged',
        alertId: 'a1',
        by: ME,
        at: T0 + 1000,
        receivedAt: T0 + 1000,
        byYou: true,
      },
      synced([open], T0),
    ]);
    const acked = state.alerts.get('a1')!;
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: ME,
      acknowledgedByYou: true,
    });
    expect(acknowledgedByLabel(acked)).toBe('you');
    // A later answer with our profile id keeps "you".
    const later = reduceAll(state, [
      synced(
        [{ ...open, status: 'acknowledged', acknowledgedAt: T0 + 1000, acknowledgedBy: ME }],
        T0 + MINUTE,
      ),
    ]);
    expect(later.alerts.get('a1')?.acknowledgedByYou).toBe(true);
  });

  it('keeps "you" when our answer named nobody and the server later names our profile', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [
      triggered(open),
      { type: 'alert/acknowledged', alertId: 'a1', by: null, at: T0, receivedAt: T0, byYou: true },
      synced([{ ...open, status: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: ME }], T0 + 1),
    ]);
    expect(state.alerts.get('a1')).toMatchObject({ acknowledgedBy: ME, acknowledgedByYou: true });
  });

  it('the server\'s word on who acknowledged wins: another profile id is not "you"', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [
      triggered(open),
      { type: 'alert/acknowledged', alertId: 'a1', by: ME, at: T0, receivedAt: T0, byYou: true },
      // The server names a colleague (say two nodes raced): it is the record, not our memory.
      synced(
        [{ ...open, status: 'acknowledged', acknowledgedAt: T0 - 1, acknowledgedBy: COLLEAGUE }],
        T0 + 1,
      ),
    ]);
    expect(state.alerts.get('a1')?.acknowledgedBy).toBe(COLLEAGUE);
    expect(acknowledgedByLabel(state.alerts.get('a1')!)).toBe('another supervisor');
  });

  it('a reconcile that changes nothing returns the same state (no effect wakes)', () => {
    const open = alert({ id: 'a1', triggeredAt: T0 - 10 * MINUTE });
    const state = reduceAll(liveState(), [triggered(open), synced([open], T0)]);
    expect(reduceAll(state, [synced([open], T0 + MINUTE)])).toBe(state);
  });

  it('takes the badge count down and clears the notification of an alert handled elsewhere', () => {
    const critical = alert({ id: 'c1', severity: 'critical', triggeredAt: T0 - MINUTE });
    const other = alert({ id: 'c2', severity: 'critical', triggeredAt: T0 - MINUTE, unitId: 'u2' });
    const before = reduceAll(liveState(), [triggered(critical), triggered(other)]);
    const after = reduceAll(before, [
      synced(
        [{ ...critical, status: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: COLLEAGUE }],
        T0 + MINUTE,
      ),
    ]);
    // c1 acknowledged elsewhere, c2 resolved elsewhere: nothing is active any more.
    expect([...after.alerts.values()].map((a) => [a.id, a.status])).toEqual([
      ['c1', 'acknowledged'],
    ]);
    expect(badgeText(before)).not.toBe('');
    expect(badgeText(after)).toBe('');
    const plan = planNotifications({
      prev: before,
      next: after,
      prefs: prefs(),
      scope: { kind: 'organization' },
      notified: new Map([
        ['c1', T0],
        ['c2', T0],
      ]),
      snoozedUntil: new Map(),
      now: T0 + MINUTE,
    });
    const cleared = plan.ops.filter((op) => op.kind === 'clear').map((op) => op.alertId);
    expect(cleared.sort()).toEqual(['c1', 'c2']);
  });
});

function badgeText(state: ReturnType<typeof liveState>): string {
  return badgeFor({
    state,
    scope: { kind: 'organization' },
    staleMs: 15 * MINUTE,
    now: T0 + MINUTE,
  }).text;
}

describe('acknowledgedByLabel', () => {
  const acked = (acknowledgedBy: string | null, acknowledgedByYou?: boolean) =>
    alert({
      id: 'x',
      status: 'acknowledged',
      acknowledgedAt: T0,
      acknowledgedBy,
      acknowledgedByYou,
    });
  it('never shows a raw id', () => {
    expect(acknowledgedByLabel(acked(COLLEAGUE))).toBe('another supervisor');
    expect(acknowledgedByLabel(acked('user-42'))).toBe('another supervisor');
    expect(acknowledgedByLabel(acked(null))).toBe('another supervisor');
    expect(acknowledgedByLabel(acked('Ana Ruiz'))).toBe('Ana Ruiz');
    expect(acknowledgedByLabel(acked(ME, true))).toBe('you');
  });
});
