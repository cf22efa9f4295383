/**
 * Typed read hooks over the pushed data in the query cache. Each is a
 * disabled query (`skipToken`): it never fetches, it only observes the one
 * key `RealtimeProvider` writes, so a component re-renders when that key's
 * data changes and for nothing else.
 */
import { skipToken, useQuery, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import type {
  Alert,
  ConnectionInfo,
  Diagnostics,
  Directory,
  Preferences,
  Reading,
  Scope,
  SessionInfo,
} from '../lib/model';
import type { DeliveryNotice } from '../lib/delivery';
import type { UnitView } from '../lib/state/unit-view';
import { queryKeys, type LinkState, type UnitData, type UnitStatusData } from './query-keys';
import type { AlertLogEntry } from './realtime-merge';
import type { UnitTable } from './unit-table';

export function useLive<T>(queryKey: QueryKey): T | undefined {
  return useQuery<T>({ queryKey, queryFn: skipToken }).data;
}

/** Like `useLive`, re-rendering only when `select`'s result changes; keep `select` stable. */
export function useLiveSelect<T, S>(queryKey: QueryKey, select: (data: T) => S): S | undefined {
  return useQuery<T, Error, S>({ queryKey, queryFn: skipToken, select }).data;
}

export const useConnection = () => useLive<ConnectionInfo>(queryKeys.connection());
export const useLink = () => useLive<LinkState>(queryKeys.link());
export const useSession = () => useLive<SessionInfo | null>(queryKeys.session());
export const usePreferences = () => useLive<Preferences>(queryKeys.preferences());
export const useScope = () => useLive<Scope>(queryKeys.scope());
export const useDirectory = () => useLive<Directory | null>(queryKeys.directory());
export const useAlerts = () => useLive<Alert[]>(queryKeys.alerts());
export const useDiagnostics = () => useLive<Diagnostics>(queryKeys.diagnostics());
export const useDeliveryNotices = () => useLive<DeliveryNotice[]>(queryKeys.delivery());
export const useUnitIds = () => useLive<string[]>(queryKeys.unitIds());
export const useUnitView = () => useLive<UnitView>(queryKeys.unitView());

/** One unit's entry of a whole-list key; re-renders only when that entry changes. */
function useUnitEntry<T>(queryKey: QueryKey, unitId: string): T | undefined {
  const select = useCallback((all: UnitTable<T>) => all.get(unitId), [unitId]);
  return useLiveSelect<UnitTable<T>, T | undefined>(queryKey, select);
}

/** A unit's latest reading and status in one subscription (a row mounts one, not two). */
export const useUnitData = (unitId: string): UnitData | undefined =>
  useUnitEntry<UnitData>(queryKeys.units(), unitId);
export const useUnitStatus = (unitId: string): UnitStatusData | undefined =>
  useUnitEntry<UnitData>(queryKeys.units(), unitId)?.status;
export const useLatestReading = (unitId: string): Reading | null | undefined =>
  useUnitEntry<UnitData>(queryKeys.units(), unitId)?.latest;
export const useSensorReadings = (unitId: string): Reading[] | undefined =>
  useUnitEntry<Reading[]>(queryKeys.readings(), unitId);
export const useAlertHistory = (unitId: string) =>
  useLive<AlertLogEntry[]>(queryKeys.alertHistory(unitId));

const selectClockOffset = (c: ConnectionInfo) => c.clockOffset;
/** Server clock minus local clock (ms); sensor times are server times. */
export const useClockOffset = () =>
  useLiveSelect<ConnectionInfo, number>(queryKeys.connection(), selectClockOffset) ?? 0;
