/** Opens the supervisor's dashboard at an alert or unit (a notification's body was clicked). */
import type { WxtBrowser } from 'wxt/browser';
import { buildDashboardUrl } from './format';
import type { WorkerState } from './store';

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
