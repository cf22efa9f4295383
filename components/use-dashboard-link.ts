/**
 * Builds dashboard links from `preferences.dashboardUrlTemplate` and opens
 * them in a tab through the bridge.
 */
import { useCallback, useMemo } from 'react';
import { buildDashboardUrl } from '../lib/format';
import { useBridge } from './bridge';
import { useDirectory, usePreferences, useSession } from './live-data';

export interface DashboardTarget {
  unitId?: string;
  alertId?: string;
}

export function useDashboardLink(): {
  /** Null when there is no usable template or session. */
  urlFor(target: DashboardTarget): string | null;
  open(url: string): void;
} {
  const bridge = useBridge();
  const session = useSession();
  const preferences = usePreferences();
  const directory = useDirectory();
  const siteOf = useMemo(
    () => new Map((directory?.units ?? []).map((u) => [u.id, u.siteId])),
    [directory],
  );
  const template = preferences?.dashboardUrlTemplate ?? '';
  const urlFor = useCallback(
    (target: DashboardTarget) => {
      if (!session) return null;
      return buildDashboardUrl(template, {
        server: session.serverUrl,
        org: session.organizationId,
        site: target.unitId ? siteOf.get(target.unitId) : undefined,
        unit: target.unitId,
        alert: target.alertId,
      });
    },
    [session, template, siteOf],
  );
  const open = useCallback((url: string) => void bridge.openTab(url), [bridge]);
  return useMemo(() => ({ urlFor, open }), [urlFor, open]);
}
