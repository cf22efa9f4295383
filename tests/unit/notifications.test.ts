import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { browser } from 'wxt/browser';
import {
  ALERT_BUTTONS,
  NOTIFICATION_IDS,
  testNotification,
  type NotificationContent,
  type NotificationOp,
} from '../../lib/notification-policy';
import {
  buttonAction,
  createNotifier,
  listenToNotifications,
  type NotificationEventsSurface,
  type NotificationHandlers,
  type NotificationSurface,
} from '../../lib/notifications';

const ICON = 'icon/128.png';

const content = (
  alertId: string,
  overrides: Partial<NotificationContent> = {},
): NotificationContent => ({
  notificationId: `alert:${alertId}`,
  title: 'Walk-in · Kitchen',
  message: 'Temperature alarm',
  priority: 2,
  requireInteraction: true,
  buttons: ALERT_BUTTONS,
  ...overrides,
});

const create = (alertId: string, overrides: Partial<NotificationContent> = {}): NotificationOp => ({
  kind: 'create',
  reason: 'new',
  alertId,
  ...content(alertId, overrides),
});

async function shownNotifications(): Promise<Record<string, unknown>> {
  return (await fakeBrowser.notifications.getAll()) as Record<string, unknown>;
}

describe('createNotifier', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('creates alert notifications with buttons and requireInteraction on Chrome', async () => {
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: true,
      iconUrl: ICON,
    });
    const result = await notifier.apply({ ops: [create('al1')] });
    expect(result).toEqual({ shown: 1, cleared: 0, failures: [] });
    expect(await shownNotifications()).toEqual({
      'alert:al1': {
        type: 'basic',
        iconUrl: ICON,
        title: 'Walk-in · Kitchen',
        message: 'Temperature alarm',
        priority: 2,
        requireInteraction: true,
        buttons: [{ title: 'Acknowledge' }, { title: 'Snooze 1 h' }],
      },
    });
  });

  it('leaves out buttons and requireInteraction on Firefox', async () => {
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: false,
      iconUrl: ICON,
    });
    await notifier.apply({ ops: [create('al1')] });
    const shown = await shownNotifications();
    expect(shown['alert:al1']).not.toHaveProperty('buttons');
    expect(shown['alert:al1']).not.toHaveProperty('requireInteraction');
  });

  it('update replaces the same notification; clear removes it', async () => {
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: true,
      iconUrl: ICON,
    });
    await notifier.apply({ ops: [create('al1')] });
    await notifier.apply({
      ops: [{ kind: 'update', alertId: 'al1', ...content('al1', { message: 'Critical now' }) }],
    });
    const shown = await shownNotifications();
    expect(Object.keys(shown)).toEqual(['alert:al1']);
    expect(shown['alert:al1']).toMatchObject({ message: 'Critical now' });

    const result = await notifier.apply({
      ops: [
        { kind: 'clear', notificationId: 'alert:al1', alertId: 'al1' },
        { kind: 'clear', notificationId: 'alert:never-shown', alertId: 'never-shown' },
      ],
    });
    expect(result).toEqual({ shown: 0, cleared: 1, failures: [] });
    expect(await shownNotifications()).toEqual({});
  });

  it('shows group and notice notifications without buttons', async () => {
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: true,
      iconUrl: ICON,
    });
    await notifier.apply({
      ops: [
        {
          kind: 'group',
          count: 6,
          alertIds: ['a', 'b', 'c', 'd', 'e', 'f'],
          bySeverity: { critical: 0, unknown: 0, warning: 6, info: 0 },
          ...content('x', {
            notificationId: NOTIFICATION_IDS.group,
            title: '6 new alerts',
            buttons: [],
          }),
        },
        ...testNotification().ops,
      ],
    });
    const shown = await shownNotifications();
    expect(Object.keys(shown).sort()).toEqual([NOTIFICATION_IDS.group, NOTIFICATION_IDS.test]);
    expect(shown[NOTIFICATION_IDS.group]).not.toHaveProperty('buttons');
  });

  it('retries once with the basic fields when the browser rejects the options', async () => {
    const spy = vi
      .spyOn(fakeBrowser.notifications, 'create')
      .mockRejectedValueOnce(new Error('Property "buttons" is unsupported by Firefox'));
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: true,
      iconUrl: ICON,
    });
    const result = await notifier.apply({ ops: [create('al1')] });
    expect(result).toEqual({ shown: 1, cleared: 0, failures: [] });
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await shownNotifications())['alert:al1']).toEqual({
      type: 'basic',
      iconUrl: ICON,
      title: 'Walk-in · Kitchen',
      message: 'Temperature alarm',
    });
  });

  it('reports failures as values and carries on with the next op', async () => {
    vi.spyOn(fakeBrowser.notifications, 'create')
      .mockRejectedValueOnce(new Error('denied'))
      .mockRejectedValueOnce(new Error('denied again'));
    const notifier = createNotifier(fakeBrowser.notifications, {
      supportsButtons: true,
      iconUrl: ICON,
    });
    const result = await notifier.apply({ ops: [create('al1'), create('al2')] });
    expect(result).toEqual({
      shown: 1,
      cleared: 0,
      failures: [{ notificationId: 'alert:al1', op: 'create', message: 'denied again' }],
    });
    expect(Object.keys(await shownNotifications())).toEqual(['alert:al2']);
  });
});

describe('listenToNotifications', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  function recorder() {
    const calls: unknown[][] = [];
    const handlers: NotificationHandlers = {
      onAlertClicked: (alertId) => calls.push(['clicked', alertId]),
      onAlertAction: (alertId, action) => calls.push(['action', alertId, action]),
      onGroupClicked: () => calls.push(['group']),
      onNoticeClicked: (notice) => calls.push(['notice', notice]),
      onClosed: (target, byUser) => calls.push(['closed', target, byUser]),
    };
    return { calls, handlers };
  }

  it('routes clicks, buttons and closes back to alert ids', async () => {
    const { calls, handlers } = recorder();
    listenToNotifications(fakeBrowser.notifications, handlers);
    await fakeBrowser.notifications.onClicked.trigger('alert:al1');
    await fakeBrowser.notifications.onButtonClicked.trigger('alert:al1', 0);
    await fakeBrowser.notifications.onButtonClicked.trigger('alert:al1', 1);
    await fakeBrowser.notifications.onClicked.trigger(NOTIFICATION_IDS.group);
    await fakeBrowser.notifications.onClicked.trigger(NOTIFICATION_IDS.monitoringStopped);
    await fakeBrowser.notifications.onClosed.trigger('alert:al1', true);
    expect(calls).toEqual([
      ['clicked', 'al1'],
      ['action', 'al1', 'acknowledge'],
      ['action', 'al1', 'snooze'],
      ['group'],
      ['notice', 'monitoring-stopped'],
      ['closed', { kind: 'alert', alertId: 'al1' }, true],
    ]);
  });

  it('ignores other extensions’ ids and unknown buttons', async () => {
    const { calls, handlers } = recorder();
    listenToNotifications(fakeBrowser.notifications, handlers);
    await fakeBrowser.notifications.onClicked.trigger('not-ours');
    await fakeBrowser.notifications.onButtonClicked.trigger('alert:al1', 7);
    await fakeBrowser.notifications.onButtonClicked.trigger(NOTIFICATION_IDS.group, 0);
    expect(calls).toEqual([]);
    expect(buttonAction(-1)).toBeNull();
  });

  it('the disposer removes every listener', async () => {
    const { calls, handlers } = recorder();
    const dispose = listenToNotifications(fakeBrowser.notifications, handlers);
    dispose();
    await fakeBrowser.notifications.onClicked.trigger('alert:al1');
    await fakeBrowser.notifications.onButtonClicked.trigger('alert:al1', 0);
    await fakeBrowser.notifications.onClosed.trigger('alert:al1', false);
    expect(calls).toEqual([]);
  });
});

// Compile-time: the real browser API fits the narrow surfaces.
export const realSurfacesFit = (
  b: typeof browser,
): [NotificationSurface, NotificationEventsSurface] => [b.notifications, b.notifications];
