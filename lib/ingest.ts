/**
 * The edge between the socket and the state (STYLE 6): every server event is
 * validated by `lib/normalize.ts` and becomes a typed reducer event, or is
 * dropped and counted. Nothing here throws into the worker.
 *
 * Readings are coalesced (`lib/pacer.ts`): a batch that finds the worker
 * idle is reduced at once, right after the message that brought it, so a
 * lone reading reaches the screen without waiting for a task; batches that
 * arrive right after a flush are gathered for `MIN_GAP_MS`, and under a
 * sustained stream at most `BURST_FLUSHES` readings events are reduced per
 * `BURST_MS` (the reducer copies its maps once per event, so one event per
 * message would not keep up with 20,000 readings/s). Alerts are never
 * delayed: pending readings are flushed first, so order is kept, then the
 * alert is reduced at once.
 */
import type { ServerEventName } from './protocol';
import type { StateEvent, ReadingsBatch } from './state';
import type { TempUnit } from './protocol';
import { createPacer } from './pacer';
import {
  normalizeAlertAcknowledged,
  normalizeAlertEscalated,
  normalizeAlertResolved,
  normalizeAlertTriggered,
  normalizeConnectionAck,
  normalizeReadingsBatch,
  normalizeServerError,
  normalizeSingleReading,
  normalizeSubscriptionError,
  normalizeUnitStateChanged,
  type DiagnosticKind,
  type NormalizeContext,
} from './normalize';

/** Under a stream, at most `BURST_FLUSHES` readings events per `BURST_MS` (one frame). */
export const BURST_MS = 16;
export const BURST_FLUSHES = 2;
/** Batches arriving less than this after a flush are gathered until then. */
export const MIN_GAP_MS = 2;

export interface IngestDeps {
  dispatch: (event: StateEvent) => void;
  /** Local clock. */
  now: () => number;
  /** Server clock (local clock + measured offset), for future-time checks. */
  serverNow: () => number;
  unitScale: (unitId: string) => TempUnit | undefined;
  /** A unit the directory does not know yet (the caller debounces a refresh). */
  onUnknownUnit: (unitId: string) => void;
  isKnownUnit: (unitId: string) => boolean;
  /** `subscription:error` and server `error` events, for diagnostics. */
  onServerMessage: (message: string) => void;
}

export interface Ingest {
  handle(name: ServerEventName, raw: unknown): void;
  /** Reduces pending readings now (before an alert, or in tests). */
  flush(): void;
  /** Counts an event name the contract does not have. */
  unknownEvent(name: string): void;
}

export function createIngest(deps: IngestDeps): Ingest {
  let pending: ReadingsBatch[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let microtask = false;
  const pacer = createPacer({ minGapMs: MIN_GAP_MS, windowMs: BURST_MS, perWindow: BURST_FLUSHES });
  /** Values kept with a replacement while one event is handled, counted once after it. */
  const replaced = new Map<DiagnosticKind, number>();
  const ctx: NormalizeContext = {
    get now() {
      return deps.serverNow();
    },
    // A wrong clock offset alone must never make readings "future" (issue #11).
    get localNow() {
      return deps.now();
    },
    count: (kind) => replaced.set(kind, (replaced.get(kind) ?? 0) + 1),
    unitScale: deps.unitScale,
  };

  function dropped(kind: DiagnosticKind, count = 1): void {
    if (count > 0) deps.dispatch({ type: 'dropped', kind, count });
  }

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    microtask = false;
    if (pending.length === 0) return;
    const batches = pending;
    pending = [];
    const at = deps.now();
    pacer.flushed(at);
    deps.dispatch({ type: 'readings', batches, receivedAt: at });
  }

  function queue(batch: ReadingsBatch): void {
    if (!deps.isKnownUnit(batch.unitId)) deps.onUnknownUnit(batch.unitId);
    pending.push(batch);
    if (timer !== null || microtask) return;
    const wait = pacer.delay(deps.now());
    if (wait <= 0) {
      // Idle: reduce right after this message, no task hop.
      microtask = true;
      queueMicrotask(() => {
        if (microtask) flush();
      });
    } else {
      // Right after a flush, or in a stream (#14): gathered, so each event's
      // copy of the units map is shared by many messages. The pages get at
      // most one patch per flush, paced the same way (`lib/port-hub.ts`).
      timer = setTimeout(flush, wait);
    }
  }

  function immediate(event: StateEvent): void {
    flush();
    deps.dispatch(event);
  }

  function handle(name: ServerEventName, raw: unknown): void {
    const receivedAt = deps.now();
    switch (name) {
      case 'sensor:readings:batch': {
        const result = normalizeReadingsBatch(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        const batch = result.value;
        dropped('sensor:readings:batch/item', batch.droppedReadings);
        if (batch.countMismatch) dropped('sensor:readings:batch/count-mismatch');
        if (batch.readings.length > 0) queue({ unitId: batch.unitId, readings: batch.readings });
        return;
      }
      case 'sensor:reading': {
        const result = normalizeSingleReading(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        queue({ unitId: result.value.unitId, readings: [result.value] });
        return;
      }
      case 'alert:triggered': {
        const result = normalizeAlertTriggered(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        if (!deps.isKnownUnit(result.value.unitId)) deps.onUnknownUnit(result.value.unitId);
        return immediate({ type: 'alert/triggered', alert: result.value, receivedAt });
      }
      case 'alert:acknowledged': {
        const result = normalizeAlertAcknowledged(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        return immediate({ type: 'alert/acknowledged', ...result.value, receivedAt });
      }
      case 'alert:resolved': {
        const result = normalizeAlertResolved(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        return immediate({ type: 'alert/resolved', ...result.value, receivedAt });
      }
      case 'alert:escalated': {
        const result = normalizeAlertEscalated(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        return immediate({ type: 'alert/escalated', ...result.value, receivedAt });
      }
      case 'unit:state:changed': {
        const result = normalizeUnitStateChanged(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        return immediate({
          type: 'unit/state',
          unitId: result.value.unitId,
          state: result.value.state,
          at: result.value.at,
          receivedAt,
        });
      }
      case 'connection:ack': {
        const result = normalizeConnectionAck(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        return deps.dispatch({ type: 'event/received', receivedAt });
      }
      case 'error': {
        const result = normalizeServerError(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        deps.onServerMessage(`Server error: ${result.value.message}`);
        return deps.dispatch({ type: 'event/received', receivedAt });
      }
      case 'subscription:error': {
        const result = normalizeSubscriptionError(raw, ctx);
        if (!result.ok) return dropped(result.kind);
        deps.onServerMessage(
          `Subscription to ${result.value.entity} ${result.value.entityId} refused: ${result.value.message}`,
        );
        return deps.dispatch({ type: 'event/received', receivedAt });
      }
    }
  }

  return {
    handle(name, raw) {
      try {
        handle(name, raw);
      } catch {
        // The normalisers never throw; this is the last line so the worker never does either.
        dropped(name);
      } finally {
        for (const [kind, count] of replaced) dropped(kind, count);
        replaced.clear();
      }
    },
    flush,
    unknownEvent() {
      dropped('unknown-event');
    },
  };
}
