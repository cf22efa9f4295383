import { describe, expect, it } from 'vitest';
import type { Alert, ConnectionError, Scope } from '../../lib/model';
import {
  ALERT_BUTTONS,
  NOTIFICATION_IDS,
  NOTIFIED_LIMIT,
  STORM_THRESHOLD,
  STORM_WINDOW_MS,
  alertNotificationId,
  closedOnScreen,
  inQuietHours,
  parseNotificationId,
  planNotifications,
  testNotification,
  type NotificationOp,
  type PlanInput,
} from '../../lib/notification-policy';
import { reduce, reduceAll, type State, type StateEvent } from '../../lib/state';
import { MINUTE, T0, alert, liveState, prefs, triggered } from './fixtures';

const ORG: Scope = { kind: 'organization' };
const local = (h: number, m: number) => new Date(2024, 5, 1, h, m).getTime();

function plan(overrides: Partial<PlanInput> & { prev: State; next: State }) {
  return planNotifications({
    prefs: prefs(),
    scope: ORG,
    notified: new Map(),
    snoozedUntil: new Map(),
    now: T0,
    ...overrides,
  });
}

/** prev = live state; next = prev + events. */
function step(events: StateEvent[], base: State = liveState()) {
  return { prev: base, next: reduceAll(base, events) };
}

const kinds = (ops: NotificationOp[]) => ops.map((op) => `${op.kind}:${op.notificationId}`);

describe('new alerts', () => {
  it('creates one notification with unit · site, type, temperature vs threshold and message', () => {
    const result = plan(step([triggered(alert({ id: 'al1' }))]));
    expect(result.ops).toEqual([
      {
        kind: 'create',
        reason: 'new',
        alertId: 'al1',
        notificationId: 'alert:al1',
        title: 'Walk-in · Kitchen',
        message: 'Temperature alarm 9.2\u00a0°C, above max 5.0\u00a0°C\nTemperature above limit',
        priority: 1,
        requireInteraction: false,
        buttons: ALERT_BUTTONS,
      },
    ]);
    expect([...result.notified]).toEqual([['al1', T0]]);
  });

  it('critical: requires interaction, top priority, says critical', () => {
    const [op] = plan(step([triggered(alert({ id: 'al1', severity: 'critical' }))])).ops;
    expect(op).toMatchObject({ priority: 2, requireInteraction: true });
    expect(op && 'message' in op && op.message).toMatch(/^Critical: Temperature alarm/);
  });

  it('shows temperatures in the chosen display scale', () => {
    const [op] = plan({
      ...step([triggered(alert({ id: 'al1' }))]),
      prefs: prefs({ tempScale: 'F' }),
    }).ops;
    expect(op && 'message' in op && op.message).toContain('48.6\u00a0°F, above max 41.0\u00a0°F');
  });

  it('falls back to the unit id and an unscaled number when the directory does not know the unit', () => {
    const [op] = plan(
      step([triggered(alert({ id: 'al1', unitId: 'unit-x', thresholdViolated: 'min' }))]),
    ).ops;
    expect(op).toMatchObject({ title: 'unit-x' });
    expect(op && 'message' in op && op.message).toContain('Temperature alarm 9.2°\n');
  });

  it('an unknown alert type shows the server label', () => {
    const [op] = plan(
      step([
        triggered(
          alert({
            id: 'al1',
            type: 'other',
            typeLabel: 'compressor_noise',
            triggerTemperature: null,
          }),
        ),
      ]),
    ).ops;
    expect(op && 'message' in op && op.message).toBe('compressor_noise\nTemperature above limit');
  });
});

describe('one notification per alert id, ever', () => {
  it('an alert already notified is not announced again after a resync', () => {
    const base = liveState();
    const next = reduce(base, { type: 'alerts/synced', at: T0, alerts: [alert({ id: 'al1' })] });
    const result = plan({ prev: base, next, notified: new Map([['al1', T0 - MINUTE]]) });
    expect(result.ops).toEqual([]);
    expect(result.notified.get('al1')).toBe(T0 - MINUTE);
  });

  it('an unrelated event does not re-announce open alerts', () => {
    const base = liveState([triggered(alert({ id: 'al1' }))]);
    const first = plan(step([], base));
    expect(first.ops).toHaveLength(1);
    const second = plan({
      ...step([{ type: 'tick', now: T0 + 1 }], base),
      notified: first.notified,
      now: T0 + 1,
    });
    expect(second.ops).toEqual([]);
  });
});

describe('filters', () => {
  it('minimum severity: below it nothing, and the id is not burnt', () => {
    const s = step([triggered(alert({ id: 'al1', severity: 'info' }))]);
    const skipped = plan(s);
    expect(skipped.ops).toEqual([]);
    expect(skipped.notified.has('al1')).toBe(false);
    expect(kinds(plan({ ...s, prefs: prefs({ minSeverity: 'info' }) }).ops)).toEqual([
      'create:alert:al1',
    ]);
    // An unknown severity ranks above warning.
    const unknown = step([triggered(alert({ id: 'al2', severity: 'unknown' }))]);
    expect(kinds(plan(unknown).ops)).toEqual(['create:alert:al2']);
    expect(plan({ ...unknown, prefs: prefs({ minSeverity: 'critical' }) }).ops).toEqual([]);
  });

  it('quiet hours across midnight silence warnings but not critical alerts', () => {
    const quiet = prefs({ quietHours: { enabled: true, start: '22:00', end: '07:00' } });
    const warning = step([triggered(alert({ id: 'w' }))]);
    const critical = step([triggered(alert({ id: 'c', severity: 'critical' }))]);
    expect(plan({ ...warning, prefs: quiet, now: local(23, 30) }).ops).toEqual([]);
    expect(plan({ ...warning, prefs: quiet, now: local(6, 59) }).ops).toEqual([]);
    expect(kinds(plan({ ...critical, prefs: quiet, now: local(23, 30) }).ops)).toEqual([
      'create:alert:c',
    ]);
    // When they end, a still-active warning that was held back is announced.
    expect(kinds(plan({ ...warning, prefs: quiet, now: local(7, 0) }).ops)).toEqual([
      'create:alert:w',
    ]);
  });

  it.each<[string, string, string, number, boolean]>([
    ['inside a same-day window', '13:00', '14:00', local(13, 30), true],
    ['at its end (exclusive)', '13:00', '14:00', local(14, 0), false],
    ['before a wrapping window', '22:00', '07:00', local(21, 59), false],
    ['at the start of a wrapping window', '22:00', '07:00', local(22, 0), true],
    ['after midnight in a wrapping window', '22:00', '07:00', local(0, 30), true],
    ['an empty window', '08:00', '08:00', local(8, 0), false],
    ['a malformed time', '25:00', '07:00', local(23, 0), false],
  ])('quiet hours %s', (_name, start, end, now, expected) => {
    expect(inQuietHours({ enabled: true, start, end }, now)).toBe(expected);
  });

  it('muted sites never notify; units unknown to the directory are not muted', () => {
    const muted = prefs({ mutedSiteIds: ['s1'] });
    expect(
      plan({ ...step([triggered(alert({ id: 'al1', severity: 'critical' }))]), prefs: muted }).ops,
    ).toEqual([]);
    expect(
      kinds(plan({ ...step([triggered(alert({ id: 'al2', unitId: 'u3' }))]), prefs: muted }).ops),
    ).toEqual(['create:alert:al2']);
    expect(
      kinds(plan({ ...step([triggered(alert({ id: 'al3', unitId: 'nope' }))]), prefs: muted }).ops),
    ).toEqual(['create:alert:al3']);
  });

  it('out-of-scope units never notify; unknown units do', () => {
    const scope: Scope = { kind: 'selection', siteIds: ['s2'], unitIds: [] };
    const s = step([
      triggered(alert({ id: 'out', severity: 'critical', unitId: 'u1' })),
      triggered(alert({ id: 'in', unitId: 'u3' })),
      triggered(alert({ id: 'unknown', unitId: 'new-unit' })),
    ]);
    expect(kinds(plan({ ...s, scope }).ops).sort()).toEqual([
      'create:alert:in',
      'create:alert:unknown',
    ]);
  });
});

describe('storms', () => {
  const alerts = (n: number, severity: Alert['severity'] = 'warning') =>
    Array.from({ length: n }, (_, i) =>
      triggered(alert({ id: `a${i}`, severity, unitId: i % 2 ? 'u1' : 'u2' })),
    );

  it(`up to ${STORM_THRESHOLD} new alerts are shown one by one`, () => {
    expect(plan(step(alerts(STORM_THRESHOLD))).ops.map((op) => op.kind)).toEqual(
      Array(5).fill('create'),
    );
  });

  it('live alerts one event at a time: past the threshold within the window, the group takes over', () => {
    let state = liveState();
    let notified: ReadonlyMap<string, number> = new Map();
    const kindsSeen: string[] = [];
    for (let i = 0; i < STORM_THRESHOLD + 3; i += 1) {
      const next = reduce(state, triggered(alert({ id: `live${i}`, unitId: 'u1' })));
      const result = plan({ prev: state, next, notified, now: T0 + i * 100 });
      kindsSeen.push(...result.ops.map((op) => op.kind));
      notified = result.notified;
      state = next;
    }
    expect(kindsSeen).toEqual([
      ...Array(STORM_THRESHOLD).fill('create'),
      'group',
      'group',
      'group',
    ]);
    const last = plan({
      prev: state,
      next: reduce(state, triggered(alert({ id: 'later', unitId: 'u1' }))),
      notified,
      now: T0 + STORM_WINDOW_MS + 1_000,
    });
    // Once the storm has passed, alerts are shown one by one again.
    expect(last.ops.map((op) => op.kind)).toEqual(['create']);
  });

  it('more become one grouped notification, and every id is marked', () => {
    const s = step([
      ...alerts(6),
      triggered(alert({ id: 'crit', severity: 'critical', unitId: 'u3' })),
    ]);
    const result = plan(s);
    expect(result.ops).toHaveLength(1);
    expect(result.ops[0]).toMatchObject({
      kind: 'group',
      notificationId: NOTIFICATION_IDS.group,
      count: 7,
      bySeverity: { critical: 1, warning: 6, unknown: 0, info: 0 },
      title: '7 new alerts',
      priority: 2,
      requireInteraction: true,
      buttons: [],
    });
    const op = result.ops[0];
    expect(op && 'message' in op && op.message).toBe(
      '1 critical, 6 warning\nFreezer 2, Walk-in, Beer fridge',
    );
    expect(result.notified.size).toBe(7);
    // And none of them pops up one by one later.
    expect(plan({ prev: s.next, next: s.next, notified: result.notified }).ops).toEqual([]);
  });
});

describe('lifecycle', () => {
  const base = liveState([triggered(alert({ id: 'al1' }))]);
  const shown = new Map([['al1', T0]]);

  it('escalation updates the notification in place', () => {
    const result = plan({
      ...step(
        [{ type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 1, receivedAt: T0 }],
        base,
      ),
      notified: shown,
      now: T0 + MINUTE,
    });
    expect(result.ops).toHaveLength(1);
    expect(result.ops[0]).toMatchObject({
      kind: 'update',
      notificationId: 'alert:al1',
      priority: 2,
      requireInteraction: true,
    });
    expect(result.notified.get('al1')).toBe(T0 + MINUTE);
  });

  it('resolution and acknowledgement clear it; an alert never shown clears nothing', () => {
    const resolved = step(
      [{ type: 'alert/resolved', alertId: 'al1', unitId: 'u1', at: T0, receivedAt: T0 }],
      base,
    );
    expect(plan({ ...resolved, notified: shown }).ops).toEqual([
      { kind: 'clear', notificationId: 'alert:al1', alertId: 'al1' },
    ]);
    expect(plan(resolved).ops).toEqual([]);
    const acknowledged = step(
      [{ type: 'alert/acknowledged', alertId: 'al1', by: 'Ana', at: T0, receivedAt: T0 }],
      base,
    );
    expect(kinds(plan({ ...acknowledged, notified: shown }).ops)).toEqual(['clear:alert:al1']);
  });

  it('a resync that drops a shown alert clears it', () => {
    const synced = step([{ type: 'alerts/synced', at: T0 + 1, alerts: [] }], base);
    expect(kinds(plan({ ...synced, notified: shown }).ops)).toEqual(['clear:alert:al1']);
  });
});

describe('re-notify and snooze', () => {
  const critical = liveState([triggered(alert({ id: 'al1', severity: 'critical' }))]);
  const same = { prev: critical, next: critical };
  const shown = new Map([['al1', T0]]);
  const every10 = prefs({ renotifyMinutes: 10 });

  it('re-announces an unacknowledged critical alert every renotifyMinutes', () => {
    expect(
      plan({ ...same, prefs: every10, notified: shown, now: T0 + 10 * MINUTE - 1 }).ops,
    ).toEqual([]);
    const due = plan({ ...same, prefs: every10, notified: shown, now: T0 + 10 * MINUTE });
    expect(due.ops).toMatchObject([
      { kind: 'create', reason: 'renotify', notificationId: 'alert:al1' },
    ]);
    expect(due.notified.get('al1')).toBe(T0 + 10 * MINUTE);
  });

  it('not when off, not for warnings, not once acknowledged', () => {
    const later = T0 + 60 * MINUTE;
    expect(plan({ ...same, notified: shown, now: later }).ops).toEqual([]);
    const warning = liveState([triggered(alert({ id: 'al1' }))]);
    expect(
      plan({ prev: warning, next: warning, prefs: every10, notified: shown, now: later }).ops,
    ).toEqual([]);
    const acked = reduce(critical, {
      type: 'alert/acknowledged',
      alertId: 'al1',
      by: null,
      at: T0,
      receivedAt: T0,
    });
    expect(
      plan({ prev: acked, next: acked, prefs: every10, notified: shown, now: later }).ops,
    ).toEqual([]);
  });

  it('a snoozed alert waits for the snooze to end, then is shown once more', () => {
    const snoozedUntil = new Map([['al1', T0 + 30 * MINUTE]]);
    expect(
      plan({ ...same, prefs: every10, notified: shown, snoozedUntil, now: T0 + 20 * MINUTE }).ops,
    ).toEqual([]);
    const ended = plan({ ...same, notified: shown, snoozedUntil, now: T0 + 30 * MINUTE });
    expect(ended.ops).toMatchObject([{ kind: 'create', reason: 'snooze-ended' }]);
    expect(ended.snoozesEnded).toEqual(['al1']);
  });

  it('an escalation breaks through a snooze', () => {
    const warning = liveState([triggered(alert({ id: 'al1' }))]);
    const result = plan({
      ...step(
        [{ type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 1, receivedAt: T0 }],
        warning,
      ),
      notified: shown,
      snoozedUntil: new Map([['al1', T0 + 30 * MINUTE]]),
    });
    expect(kinds(result.ops)).toEqual(['update:alert:al1']);
  });
});

describe('connection notices', () => {
  const refreshFailed: ConnectionError = {
    code: 'refresh-failed',
    message: 'refresh failed',
    at: T0,
  };

  it('one "monitoring stopped" notice when a refresh failure signs us out', () => {
    const result = plan(step([{ type: 'connection/signed-out', at: T0, error: refreshFailed }]));
    expect(result.ops).toMatchObject([
      {
        kind: 'notice',
        notificationId: NOTIFICATION_IDS.monitoringStopped,
        requireInteraction: true,
      },
    ]);
    const signedOut = reduce(liveState(), {
      type: 'connection/signed-out',
      at: T0,
      error: refreshFailed,
    });
    expect(plan({ prev: signedOut, next: signedOut }).ops).toEqual([]);
  });

  it('no notice for a deliberate sign-out; the notice clears when signed in again', () => {
    expect(plan(step([{ type: 'connection/signed-out', at: T0 }])).ops).toEqual([]);
    const signedOut = reduce(liveState(), {
      type: 'connection/signed-out',
      at: T0,
      error: refreshFailed,
    });
    expect(
      kinds(plan(step([{ type: 'connection/connecting', at: T0 + 1 }], signedOut)).ops),
    ).toEqual([`clear:${NOTIFICATION_IDS.monitoringStopped}`]);
  });
});

describe('ids and bookkeeping', () => {
  it.each<[string, ReturnType<typeof parseNotificationId>]>([
    ['alert:al1', { kind: 'alert', alertId: 'al1' }],
    ['alert:a:b', { kind: 'alert', alertId: 'a:b' }],
    ['alert:', null],
    ['frostline:group', { kind: 'group' }],
    ['frostline:monitoring-stopped', { kind: 'monitoring-stopped' }],
    ['frostline:test', { kind: 'test' }],
    ['someone-else', null],
  ])('parses %s', (id, expected) => {
    expect(parseNotificationId(id)).toEqual(expected);
  });

  it('round-trips alert ids', () => {
    expect(parseNotificationId(alertNotificationId('x y'))).toEqual({
      kind: 'alert',
      alertId: 'x y',
    });
  });

  it(`keeps notified bounded at ${NOTIFIED_LIMIT}, never forgetting an open alert`, () => {
    const base = liveState([triggered(alert({ id: 'open' }))]);
    const notified = new Map<string, number>([['open', 0]]);
    for (let i = 0; i < NOTIFIED_LIMIT + 10; i += 1) notified.set(`closed${i}`, i + 1);
    const result = plan({ prev: base, next: base, notified });
    expect(result.notified.size).toBe(NOTIFIED_LIMIT);
    expect(result.notified.has('open')).toBe(true);
    expect(result.notified.has('closed0')).toBe(false);
    expect(result.notified.has(`closed${NOTIFIED_LIMIT + 9}`)).toBe(true);
  });

  it('does not mutate the caller’s notified map', () => {
    const notified = new Map<string, number>();
    plan({ ...step([triggered(alert({ id: 'al1' }))]), notified });
    expect(notified.size).toBe(0);
  });

  it('testNotification is one notice and carries no notified map', () => {
    expect(testNotification()).toEqual({
      ops: [expect.objectContaining({ kind: 'notice', notificationId: NOTIFICATION_IDS.test })],
    });
  });
});

it('returns the same notified map when nothing was marked, a new one otherwise', () => {
  const base = liveState();
  const notified = new Map<string, number>();
  expect(
    planNotifications({
      prev: base,
      next: base,
      prefs: prefs(),
      scope: ORG,
      notified,
      snoozedUntil: new Map(),
      now: T0,
    }).notified,
  ).toBe(notified);
  const next = reduce(base, triggered(alert({ id: 'al1' })));
  expect(
    planNotifications({
      prev: base,
      next,
      prefs: prefs(),
      scope: ORG,
      notified,
      snoozedUntil: new Map(),
      now: T0,
    }).notified,
  ).not.toBe(notified);
});

describe('closedOnScreen: what a resync finds on screen that should not be', () => {
  const alerts = new Map<string, Alert>([
    ['open', alert({ id: 'open' })],
    ['acked', alert({ id: 'acked', status: 'acknowledged', acknowledgedAt: T0 })],
    ['realerted', alert({ id: 'realerted', status: 'acknowledged', acknowledgedAt: T0 })],
  ]);
  const shown = [
    alertNotificationId('open'),
    alertNotificationId('acked'),
    alertNotificationId('realerted'),
    alertNotificationId('resolved'),
    NOTIFICATION_IDS.group,
    NOTIFICATION_IDS.monitoringStopped,
    'another-extension-id',
  ];

  it('lists resolved and acknowledged alerts, not open ones, re-alerts or anything else', () => {
    expect(closedOnScreen(shown, alerts, new Map([['realerted', T0]]))).toEqual([
      alertNotificationId('acked'),
      alertNotificationId('resolved'),
    ]);
  });

  it('an acknowledged alert with no re-alert is closed', () => {
    expect(closedOnScreen(shown, alerts, new Map())).toContain(alertNotificationId('realerted'));
  });
});
