/**
 * Every TanStack Query key the pages use, from one factory, and the client
 * they share. The background pushes all live data over the port and
 * `RealtimeProvider` writes it with `setQueryData`; nothing here polls or
 * refetches. The scope editor's `directoryFresh()` is the one key with a
 * query function.
 */
import { QueryClient } from '@tanstack/react-query';
import type { Reading, UnitState } from '../lib/model';
import type { UnitTable } from './unit-table';

/** `queryKeys.unitStatus(id)` data. Temperatures are in the unit's own scale. */
export interface UnitStatusData {
  lastTemperature: number | null;
  lastReadingAt: number | null;
  state: UnitState;
}

/** A unit's entry in `queryKeys.units()`: its newest reading and its status. */
export interface UnitData {
  latest: Reading | null;
  status: UnitStatusData;
}

/**
 * `queryKeys.units()` data: every watched unit's latest data, by id. An
 * immutable `UnitTable`: a patch copies the few buckets it touches, where
 * spreading a 1,000-key object per patch was the popup's heaviest function
 * under the simulator's stream (#14).
 */
export type UnitsData = UnitTable<UnitData>;

/** `queryKeys.readings()` data: every watched unit's last readings, oldest first, by id. */
export type HistoriesData = UnitTable<Reading[]>;

/** The page's own link to the background (not the background's link to the server). */
export interface LinkState {
  phase: 'connecting' | 'open' | 'lost';
  /** When `phase` last changed (local clock). */
  since: number;
  /** When the last snapshot arrived (local clock); null until the first. */
  snapshotAt: number | null;
}

export const queryKeys = {
  connection: () => ['connection'] as const,
  link: () => ['link'] as const,
  session: () => ['session'] as const,
  preferences: () => ['preferences'] as const,
  scope: () => ['scope'] as const,
  /** The directory from the snapshot (cached by the background). */
  directory: () => ['directory'] as const,
  /** The directory fetched fresh by the scope editor (`directory` command). */
  directoryFresh: () => ['directory', 'fresh'] as const,
  alerts: () => ['alerts'] as const,
  /** Alerts seen for a unit while this page has been open, including closed ones. */
  alertHistory: (unitId: string) => ['alert-history', unitId] as const,
  diagnostics: () => ['diagnostics'] as const,
  /** What may keep alerts from reaching the supervisor (issue #13), decided by the worker. */
  delivery: () => ['delivery'] as const,
  unitIds: () => ['unit-ids'] as const,
  /**
   * Every unit's latest reading and status (`UnitsData`), one key for all:
   * rows select their own entry (#14: one key per unit cost a snapshot of
   * 1,000 units 3,000 `setQueryData` calls).
   */
  units: () => ['units'] as const,
  /** Every unit's reading history (`HistoriesData`), one key for all; rows select theirs. */
  readings: () => ['sensor-readings'] as const,
  /** The worker's unit view: every watched unit's condition, ranked, and the counts (issue #9). */
  unitView: () => ['unit-view'] as const,
  /** What happened since the popup was last closed, asked once when it opens (issue #13). */
  sinceLastLooked: () => ['since-last-looked'] as const,
};

/** A client for pushed data: nothing goes stale, nothing refetches, nothing is collected. */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        // Units scrolled out of the window have no observer; their pushed data must stay.
        gcTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        refetchOnMount: false,
        retry: false,
      },
      mutations: { retry: false },
    },
  });
  // The two whole-list keys are written with fresh records whose unchanged
  // entries keep their references (RealtimeProvider); deep-comparing every
  // history on every patch (structural sharing) would cost more than it saves.
  for (const queryKey of [queryKeys.units(), queryKeys.readings()]) {
    client.setQueryDefaults(queryKey, { structuralSharing: false });
  }
  return client;
}
