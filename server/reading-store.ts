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

export interface ReadingStore {
  /** Keeps the reading as the unit's latest if it is the newest by time, and queues it for the next batch. */
  record(reading: StoredReading): void;
  /** Takes (and clears) the readings waiting for a unit's next batch. */
  takePending(unitId: string): StoredReading[];
  latest(unitId: string): StoredReading | undefined;
}

export function createReadingStore(): ReadingStore {
  const latestByUnit = new Map<string, StoredReading>();
  const pendingByUnit = new Map<string, StoredReading[]>();
  return {
    record(reading) {
      const current = latestByUnit.get(reading.unitId);
      // The latest reading is the newest by time, not the last to arrive (injected history).
      if (!current || reading.timestampMs >= current.timestampMs) {
        latestByUnit.set(reading.unitId, reading);
      }
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
