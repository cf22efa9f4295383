/**
 * Live updates to the extension's own pages over named ports (STYLE 8).
 *
 * A page connects to `LIVE_PORT`, gets a snapshot (then the reading history
 * in chunks), then coalesced patches (`lib/pacer.ts`): changes are merged
 * while a flush is pending; when idle the change goes out at once (right
 * after the current event), right after a patch it waits `PATCH_GAP_MS`, and
 * under a stream at most `PATCH_BURST` patches go out per frame (16 ms).
 * Never per reading, never after a long delay.
 * Nothing is built or sent while no page is open. Pages may hold site or unit
 * rooms while a view is open; holds are reference-counted across pages and
 * released when a port closes.
 */
import type { Browser } from 'wxt/browser';
import type { Alert, Reading } from './model';
import { NO } from './check';
import {
  LIVE_PORT,
  PortInSchema,
  type Patch,
  type PortOut,
  type Snapshot,
  type UnitLive,
} from './messages';
import { createPacer } from './pacer';

/** Under a stream, at most `PATCH_BURST` patches per `PATCH_INTERVAL_MS` (one frame). */
export const PATCH_INTERVAL_MS = 16;
export const PATCH_BURST = 2;
/** A change less than this after a patch waits until then. */
export const PATCH_GAP_MS = 2;

export type Port = Pick<
  Browser.runtime.Port,
  'name' | 'sender' | 'postMessage' | 'disconnect' | 'onMessage' | 'onDisconnect'
>;

export interface PortHubDeps {
  /** Is this port from one of the extension's own pages? */
  isTrusted: (port: Port) => boolean;
  /** The snapshot for a newly connected page (after the background is ready). */
  snapshot: () => Promise<Snapshot>;
  onHold: (entity: 'site' | 'unit', id: string) => void;
  onRelease: (entity: 'site' | 'unit', id: string) => void;
  /**
   * Reading history sent right after the snapshot, as chunks of
   * `Patch.readings`: the snapshot carries the latest readings only, so a
   * popup with 1,000 units paints its rows before the sparklines arrive.
   */
  backfill?: () => NonNullable<Patch['readings']>[];
  /**
   * Called right before a patch goes out, to add what is cheaper to build
   * once per flush than once per event (the unit view, issue #9).
   */
  beforeFlush?: () => void;
  now: () => number;
}

/** The part of a patch callers add to; merged until the next flush. */
export type PatchPart = Omit<Patch, 'at' | 'alerts' | 'readings' | 'units'> & {
  readings?: { unitId: string; readings: readonly Reading[] }[];
  /** Only `latest` and `state` are sent (the history goes as `readings`). */
  units?: Pick<UnitLive, 'unitId' | 'latest' | 'state'>[];
  alerts?: { upsert?: Alert[]; remove?: string[] };
};

export interface PortHub {
  accept(port: Port): void;
  /** True when at least one page listens (so callers can skip building patches). */
  active(): boolean;
  queue(part: PatchPart): void;
  /**
   * Sends every page a new snapshot: what a page shows changed as a whole
   * (the scope), which patches cannot express.
   */
  resync(): void;
  /** Holds currently requested by pages, for re-subscribing after a reconnect. */
  holds(): { entity: 'site' | 'unit'; id: string }[];
  size(): number;
}

/**
 * A unit's latest reading that the patch also carries in `readings` goes
 * by its id only (`UnitChange`): the pages serialise it once, not twice.
 */
function shareLatest(patch: Patch): void {
  const { units, readings } = patch;
  if (units === undefined || readings === undefined) return;
  for (const unitId in units) {
    const unit = units[unitId];
    if (unit === undefined || !('latest' in unit) || unit.latest === null) continue;
    const latest = unit.latest;
    if (readings[unitId]?.includes(latest) === true) {
      units[unitId] = { state: unit.state, latestId: latest.id };
    }
  }
}

export function createPortHub(deps: PortHubDeps): PortHub {
  const ports = new Map<Port, Map<string, number>>();
  const holdCounts = new Map<string, number>();
  let pending: Patch | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let microtask = false;
  let flushing = false;
  const pacer = createPacer({
    minGapMs: PATCH_GAP_MS,
    windowMs: PATCH_INTERVAL_MS,
    perWindow: PATCH_BURST,
  });

  const holdKey = (entity: 'site' | 'unit', id: string) => `${entity}\u0000${id}`;

  function hold(port: Port, entity: 'site' | 'unit', id: string, delta: 1 | -1): void {
    const own = ports.get(port);
    if (own === undefined) return;
    const key = holdKey(entity, id);
    const mine = own.get(key) ?? 0;
    if (delta === -1 && mine === 0) return;
    own.set(key, mine + delta);
    if (mine + delta === 0) own.delete(key);
    const total = (holdCounts.get(key) ?? 0) + delta;
    if (total <= 0) {
      holdCounts.delete(key);
      deps.onRelease(entity, id);
    } else {
      holdCounts.set(key, total);
      if (total === 1 && delta === 1) deps.onHold(entity, id);
    }
  }

  function drop(port: Port): void {
    const own = ports.get(port);
    if (own === undefined) return;
    for (const [key, count] of own) {
      const [entity, id] = key.split('\u0000') as ['site' | 'unit', string];
      for (let i = 0; i < count; i += 1) hold(port, entity, id, -1);
    }
    ports.delete(port);
    if (ports.size === 0) {
      pending = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    }
  }

  function post(port: Port, message: PortOut): void {
    try {
      port.postMessage(message);
    } catch {
      // The page went away between the check and the post.
      drop(port);
    }
  }

  function flush(): void {
    timer = null;
    if (deps.beforeFlush !== undefined && pending !== null) {
      flushing = true;
      try {
        deps.beforeFlush();
      } finally {
        flushing = false;
      }
    }
    const patch = pending;
    pending = null;
    if (patch === null || ports.size === 0) return;
    // Nothing but a wake-up for `beforeFlush`, which added nothing.
    if (Object.keys(patch).length === 1) return;
    patch.at = deps.now();
    pacer.flushed(patch.at);
    shareLatest(patch);
    for (const port of [...ports.keys()]) post(port, { type: 'patch', patch });
  }

  function schedule(): void {
    if (timer !== null || microtask || flushing) return;
    const wait = pacer.delay(deps.now());
    if (wait <= 0) {
      // Idle: send as soon as the current event is fully handled (everything
      // it queues is merged), without waiting for another task.
      microtask = true;
      queueMicrotask(() => {
        microtask = false;
        if (timer === null) flush();
      });
      return;
    }
    timer = setTimeout(flush, wait);
  }

  function sendSnapshot(port: Port): void {
    void deps.snapshot().then((snapshot) => {
      if (!ports.has(port)) return;
      post(port, { type: 'snapshot', snapshot });
      backfill(port);
    });
  }

  /** History after the snapshot, a chunk per task, so the page paints first. */
  function backfill(port: Port): void {
    const chunks = deps.backfill?.() ?? [];
    let index = 0;
    const next = () => {
      const readings = chunks[index];
      if (readings === undefined || !ports.has(port)) return;
      index += 1;
      post(port, { type: 'patch', patch: { readings, backfill: true, at: deps.now() } });
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  }

  return {
    accept(port) {
      if (port.name !== LIVE_PORT || !deps.isTrusted(port)) {
        port.disconnect();
        return;
      }
      ports.set(port, new Map());
      port.onMessage.addListener((message: unknown) => {
        // Checked by its schema (lib/messages.ts); anything else is ignored.
        const parsed = PortInSchema(message);
        if (parsed === NO) return;
        const { entity, id, type } = parsed;
        hold(port, entity, id, type === 'hold' ? 1 : -1);
      });
      port.onDisconnect.addListener(() => drop(port));
      sendSnapshot(port);
    },
    resync() {
      // A snapshot supersedes whatever was waiting to go out.
      pending = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      for (const port of ports.keys()) sendSnapshot(port);
    },
    active: () => ports.size > 0,
    size: () => ports.size,
    queue(part) {
      if (ports.size === 0) return;
      const patch = (pending ??= { at: 0 });
      if (part.connection) patch.connection = part.connection;
      if ('session' in part) patch.session = part.session;
      if (part.preferences) patch.preferences = part.preferences;
      if (part.scope) patch.scope = part.scope;
      if ('directory' in part) patch.directory = part.directory;
      if (part.diagnostics) patch.diagnostics = part.diagnostics;
      if (part.view) patch.view = part.view;
      if (part.readings) {
        const readings = (patch.readings ??= {});
        for (const batch of part.readings) {
          const list = readings[batch.unitId];
          if (list === undefined) readings[batch.unitId] = [...batch.readings];
          else list.push(...batch.readings);
        }
      }
      if (part.units) {
        const units = (patch.units ??= {});
        for (const unit of part.units)
          units[unit.unitId] = { latest: unit.latest, state: unit.state };
      }
      if (part.alerts) {
        const alerts = (patch.alerts ??= { upsert: [], remove: [] });
        for (const alert of part.alerts.upsert ?? []) {
          alerts.remove = alerts.remove.filter((id) => id !== alert.id);
          alerts.upsert = alerts.upsert.filter((a) => a.id !== alert.id);
          alerts.upsert.push(alert);
        }
        for (const id of part.alerts.remove ?? []) {
          alerts.upsert = alerts.upsert.filter((a) => a.id !== id);
          if (!alerts.remove.includes(id)) alerts.remove.push(id);
        }
      }
      schedule();
    },
    holds() {
      return [...holdCounts.keys()].map((key) => {
        const [entity, id] = key.split('\u0000') as ['site' | 'unit', string];
        return { entity, id };
      });
    },
  };
}
