import type { WireBatchReading, WireLatestReading } from '../lib/protocol';

/** A reading as the server keeps it; temperatures in the unit's own scale. */
export interface StoredReading {
  id: string;
  unitId: string;
  deviceId: string | null;
  temperature: number;
  humidity: number | null;
  battery: number | null;
  signalStrength: number | null;
  timestampMs: number;
  source: 'simulator' | 'control';
}

/**
 * Readings, as production keeps them (PROTOCOL.md, issue #10): the database's
 * last reading per unit (what REST's `lastTemperature` / `lastReadingAt`
 * show) and, apart from it, the per-process cache `get:latest` answers from,
 * which a restart empties (`forgetCache`) while the database keeps its rows.
 */
export interface ReadingStore {
  /** Keeps the reading as the unit's latest if it is the newest by time, and queues it for the next batch. */
  record(reading: StoredReading): void;
  /** Takes (and clears) the readings waiting for a unit's next batch. */
  takePending(unitId: string): StoredReading[];
  /** The per-process cache: what `get:latest` answers (undefined since a restart). */
  latest(unitId: string): StoredReading | undefined;
  /** The database's last reading of the unit: what REST reports. */
  stored(unitId: string): StoredReading | undefined;
  /** Empties the per-process cache, as a restart or another node does. */
  forgetCache(): void;
}

export function createReadingStore(): ReadingStore {
  const latestByUnit = new Map<string, StoredReading>();
  const storedByUnit = new Map<string, StoredReading>();
  const pendingByUnit = new Map<string, StoredReading[]>();
  // The latest reading is the newest by time, not the last to arrive (injected history).
  const keepNewest = (map: Map<string, StoredReading>, reading: StoredReading) => {
    const current = map.get(reading.unitId);
    if (!current || reading.timestampMs >= current.timestampMs) map.set(reading.unitId, reading);
  };
  return {
    record(reading) {
      keepNewest(latestByUnit, reading);
      keepNewest(storedByUnit, reading);
      const pending = pendingByUnit.get(reading.unitId);
      if (pending) pending.push(reading);
      else pendingByUnit.set(reading.unitId, [reading]);
    },
    takePending(unitId) {
      const pending = pendingByUnit.get(unitId);
      if (!pending || pending.length === 0) return [];
      pendingByUnit.delete(unitId);
      return pending;
    },
    latest: (unitId) => latestByUnit.get(unitId),
    stored: (unitId) => storedByUnit.get(unitId),
    forgetCache: () => latestByUnit.clear(),
  };
}

/** Batch entries carry `timestamp` (the production quirk; `get:latest` says `recordedAt`). */
export function toBatchReading(reading: StoredReading): WireBatchReading {
  return {
    id: reading.id,
    temperature: reading.temperature,
    humidity: reading.humidity,
    battery: reading.battery,
    signalStrength: reading.signalStrength,
    timestamp: new Date(reading.timestampMs).toISOString(),
  };
}

export function toLatestReading(reading: StoredReading): WireLatestReading {
  return {
    id: reading.id,
    unitId: reading.unitId,
    deviceId: reading.deviceId,
    temperature: reading.temperature,
    humidity: reading.humidity,
    battery: reading.battery,
    signalStrength: reading.signalStrength,
    recordedAt: new Date(reading.timestampMs).toISOString(),
    source: reading.source,
  };
}
