/** Where a click on a notification leads: the supervisor's dashboard, or the popup. */
import type { WxtBrowser } from 'wxt/browser';
import { buildDashboardUrl } from './format';
import type { WorkerState } from './store';

/** Opens the supervisor's dashboard at an alert or unit (a notification's body was clicked). */
export function createDashboardOpener(
  browser: Pick<WxtBrowser, 'tabs' | 'windows'>,
  getState: () => WorkerState,
): (alertId: string | null, unitId: string | null) => void {
  return (alertId, unitId) => {
    const { session, preferences, live } = getState();
    if (session === null) return;
    const unit = unitId === null ? undefined : live.directoryIndex.units.get(unitId);
    const url = buildDashboardUrl(preferences.dashboardUrlTemplate, {
      server: session.serverUrl,
      org: session.organizationId,
      site: unit?.siteId ?? '',
      unit: unitId ?? '',
      alert: alertId ?? '',
    });
    if (url === null) return;
    void browser.tabs.create({ url }).then((tab) => {
      if (tab.windowId !== undefined) void browser.windows?.update(tab.windowId, { focused: true });
    });
  };
}

/**
 * The toolbar popup; where the browser will not open it from a notification
 * click (Firefox allows `openPopup()` only on a user gesture it recognises),
 * the same page in a tab (#12).
 */
export function openPopup(browser: WxtBrowser, action: WxtBrowser['action'] | undefined): void {
  const openAsTab = () => void browser.tabs.create({ url: browser.runtime.getURL('/popup.html') });
  if (action?.openPopup === undefined) return openAsTab();
  void Promise.resolve()
    .then(() => action.openPopup())
    .catch(openAsTab);
}
