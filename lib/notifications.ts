/**
 * The one module that touches `browser.notifications` (STYLE.md §4). It
 * carries out the plans of `lib/notification-policy.ts` and turns clicks back
 * into alert ids. The browser surface is injected, narrow and typed, so the
 * background passes `browser.notifications` and tests pass the fake browser's.
 *
 * Firefox has no notification buttons and no `requireInteraction`, and its
 * schema rejects options it does not support; so they are left out when not
 * supported, and a create that still fails is retried once with only the
 * basic fields (a plain notification beats none).
 */
import {
  ALERT_BUTTONS,
  parseNotificationId,
  type NotificationAction,
  type NotificationContent,
  type NotificationOp,
  type NotificationOps,
  type ParsedNotificationId,
} from './notification-policy';

/** The options Frostline passes to `notifications.create`. */
export interface NotificationCreateOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  priority?: number;
  requireInteraction?: boolean;
  buttons?: { title: string }[];
}

/** The part of `browser.notifications` the notifier writes with. */
export interface NotificationSurface {
  create(notificationId: string, options: NotificationCreateOptions): Promise<string>;
  clear(notificationId: string): Promise<boolean>;
}

interface EventSurface<Listener> {
  addListener(listener: Listener): void;
  removeListener(listener: Listener): void;
}

/** The part of `browser.notifications` the click wiring listens to. */
export interface NotificationEventsSurface {
  onClicked: EventSurface<(notificationId: string) => void>;
  /** Missing where the browser has no notification buttons (Firefox): feature-detected. */
  onButtonClicked?: EventSurface<(notificationId: string, buttonIndex: number) => void>;
  onClosed?: EventSurface<(notificationId: string, byUser: boolean) => void>;
}

export interface NotifierOptions {
  /** Chrome: true. Firefox: false (no buttons). */
  supportsButtons: boolean;
  /** Defaults to `supportsButtons` (Chrome has both, Firefox neither). */
  supportsRequireInteraction?: boolean;
  /** The icon, or where to ask for it at each notification (`lib/notification-icon.ts`). */
  iconUrl: string | (() => string);
}

export interface NotificationFailure {
  notificationId: string;
  op: NotificationOp['kind'];
  message: string;
}

export interface ApplyResult {
  /** Notifications created or replaced. */
  shown: number;
  cleared: number;
  failures: NotificationFailure[];
}

export interface Notifier {
  /** Carries out ops in order. Never throws: failures come back as values. */
  apply(plan: NotificationOps): Promise<ApplyResult>;
}

/** Creates the notifier around a browser surface. */
export function createNotifier(surface: NotificationSurface, options: NotifierOptions): Notifier {
  const requireInteraction = options.supportsRequireInteraction ?? options.supportsButtons;

  function optionsFor(content: NotificationContent): NotificationCreateOptions {
    const created: NotificationCreateOptions = {
      type: 'basic',
      iconUrl: typeof options.iconUrl === 'string' ? options.iconUrl : options.iconUrl(),
      title: content.title,
      message: content.message,
      priority: content.priority,
    };
    if (requireInteraction) created.requireInteraction = content.requireInteraction;
    if (options.supportsButtons && content.buttons.length > 0) {
      created.buttons = content.buttons.map((button) => ({ title: button.title }));
    }
    return created;
  }

  async function show(content: NotificationContent): Promise<void> {
    const full = optionsFor(content);
    try {
      // An existing id is replaced in place: that is how `update` and re-notify work.
      await surface.create(content.notificationId, full);
    } catch (error) {
      const basic: NotificationCreateOptions = {
        type: 'basic',
        iconUrl: full.iconUrl,
        title: full.title,
        message: full.message,
      };
      if (Object.keys(full).length === Object.keys(basic).length) throw error;
      await surface.create(content.notificationId, basic);
    }
  }

  return {
    async apply(plan) {
      const result: ApplyResult = { shown: 0, cleared: 0, failures: [] };
      for (const op of plan.ops) {
        try {
          if (op.kind === 'clear') {
            if (await surface.clear(op.notificationId)) result.cleared += 1;
          } else {
            await show(op);
            result.shown += 1;
          }
        } catch (error) {
          result.failures.push({
            notificationId: op.notificationId,
            op: op.kind,
            message: error instanceof Error ? error.message.slice(0, 200) : 'notification failed',
          });
        }
      }
      return result;
    },
  };
}

/** What a button index means on an alert notification. */
export function buttonAction(buttonIndex: number): NotificationAction | null {
  return ALERT_BUTTONS[buttonIndex]?.action ?? null;
}

export interface NotificationHandlers {
  /** The body of an alert notification was clicked. */
  onAlertClicked?(alertId: string): void;
  onAlertAction?(alertId: string, action: NotificationAction): void;
  onGroupClicked?(): void;
  onNoticeClicked?(notice: 'monitoring-stopped' | 'test'): void;
  onClosed?(target: ParsedNotificationId, byUser: boolean): void;
}

/** Routes a click; false when the id is not one of ours. */
export function handleClicked(notificationId: string, handlers: NotificationHandlers): boolean {
  const target = parseNotificationId(notificationId);
  if (target === null) return false;
  switch (target.kind) {
    case 'alert':
      handlers.onAlertClicked?.(target.alertId);
      break;
    case 'group':
      handlers.onGroupClicked?.();
      break;
    case 'monitoring-stopped':
    case 'test':
      handlers.onNoticeClicked?.(target.kind);
      break;
  }
  return true;
}

/** Routes a button click; false when it is not an alert's known button. */
export function handleButtonClicked(
  notificationId: string,
  buttonIndex: number,
  handlers: NotificationHandlers,
): boolean {
  const target = parseNotificationId(notificationId);
  const action = buttonAction(buttonIndex);
  if (target?.kind !== 'alert' || action === null) return false;
  handlers.onAlertAction?.(target.alertId, action);
  return true;
}

/** Routes a close; false when the id is not one of ours. */
export function handleClosed(
  notificationId: string,
  byUser: boolean,
  handlers: NotificationHandlers,
): boolean {
  const target = parseNotificationId(notificationId);
  if (target === null) return false;
  handlers.onClosed?.(target, byUser);
  return true;
}

/**
 * Registers the three listeners at once; call it synchronously in the
 * background's `main()` (a woken worker misses events registered later).
 * Returns the disposer.
 */
export function listenToNotifications(
  events: NotificationEventsSurface,
  handlers: NotificationHandlers,
): () => void {
  const clicked = (id: string) => void handleClicked(id, handlers);
  const button = (id: string, index: number) => void handleButtonClicked(id, index, handlers);
  const closed = (id: string, byUser: boolean) => void handleClosed(id, byUser, handlers);
  events.onClicked.addListener(clicked);
  events.onButtonClicked?.addListener(button);
  events.onClosed?.addListener(closed);
  return () => {
    events.onClicked.removeListener(clicked);
    events.onButtonClicked?.removeListener(button);
    events.onClosed?.removeListener(closed);
  };
}
