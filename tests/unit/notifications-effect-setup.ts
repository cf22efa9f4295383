/**
 * A notifications effect on a live, signed-in store with the fixtures'
 * directory, subscribed: what the effect's unit tests start from.
 */
import type { WxtBrowser } from 'wxt/browser';
import { createNotificationsEffect } from '../../lib/effects/notifications';
import { DEFAULT_SCOPE } from '../../lib/storage';
import { createStore, initialWorkerState } from '../../lib/store';
import { directory, prefs, session, T0 } from './fixtures';

export function liveNotificationsEffect(notifications: WxtBrowser['notifications']) {
  const store = createStore(initialWorkerState(T0, { preferences: prefs(), scope: DEFAULT_SCOPE }));
  store.dispatch({ type: 'session/begun', session: session({ organizationId: 'org1' }) });
  store.dispatch({ type: 'connection/live', at: T0, recovered: false });
  store.dispatch({ type: 'directory/loaded', directory: directory() });
  const effect = createNotificationsEffect({
    notifications,
    store,
    supportsButtons: true,
    iconUrl: 'icon.png',
    now: () => T0,
    ready: Promise.resolve(),
    acknowledge: async () => ({ ok: true, data: null }),
    openDashboard: () => undefined,
    openPopup: () => undefined,
    openOptions: () => undefined,
  });
  store.subscribe(effect.listener);
  return { store, effect };
}
