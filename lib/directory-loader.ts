/**
 * Loads the organization's directory (sites > areas > units) over REST. The
 * contract has no single "all units" call, so this walks the tree with a small
 * concurrency bound. Every answer is validated; a failed call fails the whole
 * load (a partial directory would hide units), and the cached one stays.
 */
import type { ApiClient, ApiError } from './api';
import type { AreaInfo, Directory, SiteInfo, UnitInfo } from './model';
import {
  normalizeAreas,
  normalizeSites,
  normalizeUnits,
  type DiagnosticKind,
  type NormalizeContext,
} from './normalize';

const CONCURRENCY = 4;

export type DirectoryResult =
  | { ok: true; directory: Directory }
  | { ok: false; error: ApiError | { kind: 'invalid-body'; message: string } };

export async function loadDirectory(
  api: ApiClient,
  token: string,
  organizationId: string,
  ctx: NormalizeContext,
  onDropped: (kind: DiagnosticKind, count: number) => void,
): Promise<DirectoryResult> {
  const invalid = {
    kind: 'invalid-body' as const,
    message: 'The server sent an unreadable directory',
  };
  const sitesAnswer = await api.sites(token, organizationId);
  if (!sitesAnswer.ok) return { ok: false, error: sitesAnswer.error };
  const sites = normalizeSites(sitesAnswer.value, ctx);
  if (!sites.ok) return { ok: false, error: invalid };
  onDropped('rest:sites/item', sites.value.dropped);

  const areas: AreaInfo[] = [];
  const units: UnitInfo[] = [];
  let failure: DirectoryResult | null = null;

  await eachLimited(sites.value.items, async (site: SiteInfo) => {
    const areasAnswer = await api.areas(token, organizationId, site.id);
    if (!areasAnswer.ok) return void (failure ??= { ok: false, error: areasAnswer.error });
    const siteAreas = normalizeAreas(areasAnswer.value, ctx);
    if (!siteAreas.ok) return void (failure ??= { ok: false, error: invalid });
    onDropped('rest:areas/item', siteAreas.value.dropped);
    areas.push(...siteAreas.value.items);
    await eachLimited(siteAreas.value.items, async (area: AreaInfo) => {
      const unitsAnswer = await api.units(token, organizationId, site.id, area.id);
      if (!unitsAnswer.ok) return void (failure ??= { ok: false, error: unitsAnswer.error });
      const areaUnits = normalizeUnits(unitsAnswer.value, { ...ctx, siteId: site.id });
      if (!areaUnits.ok) return void (failure ??= { ok: false, error: invalid });
      onDropped('rest:units/item', areaUnits.value.dropped);
      units.push(...areaUnits.value.items);
    });
  });
  if (failure !== null) return failure;

  const siteOrder = new Map(sites.value.items.map((site, index) => [site.id, index]));
  units.sort(
    (a, b) =>
      (siteOrder.get(a.siteId) ?? 0) - (siteOrder.get(b.siteId) ?? 0) ||
      a.sortOrder - b.sortOrder ||
      a.name.localeCompare(b.name),
  );
  return {
    ok: true,
    directory: {
      organizationId,
      sites: sites.value.items,
      areas,
      units,
      loadedAt: ctx.now,
      wholeDegreeLimits: ctx.wholeDegreeLimits === true,
    },
  };
}

async function eachLimited<T>(
  items: readonly T[],
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
}

/** The first reload after a unit the directory does not know shows up. */
export const UNKNOWN_UNIT_RELOAD_MS = 5_000;
/** The longest wait between such reloads (the directory alarm's period). */
export const UNKNOWN_UNIT_RELOAD_MAX_MS = 10 * 60_000;
/** Unknown ids remembered between two reloads (only to tell whether one helped). */
const UNKNOWN_IDS_KEPT = 1_000;

export interface UnknownUnitReloadDeps {
  /** Reloads the directory (single-flight in the caller). */
  reload: () => Promise<unknown>;
  /** Whether the directory now lists the unit. */
  isKnown: (unitId: string) => boolean;
}

export interface UnknownUnitReload {
  /** A reading or alert named a unit the directory does not know. */
  notice(unitId: string): void;
  /** A new session: the next unknown unit is looked up after the base delay again. */
  reset(): void;
  dispose(): void;
  /** The wait before the next reload (for diagnostics and tests). */
  delay(): number;
}

/**
 * Reloads the directory when units it does not know report (a unit added
 * since the last load), backing off exponentially while the reloads do not
 * help (issue #11): a unit that keeps reporting but is not in the directory
 * (inactive, deleted) used to cost a full directory walk every 6-7 s, for
 * ever. The wait doubles from 5 s to 10 min after each reload that brought
 * none of the units asked about, and is back to 5 s after one that did.
 */
export function createUnknownUnitReload(deps: UnknownUnitReloadDeps): UnknownUnitReload {
  let delay = UNKNOWN_UNIT_RELOAD_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let disposed = false;
  let generation = 0;
  const asked = new Set<string>();

  function schedule(): void {
    if (disposed || timer !== null || running || asked.size === 0) return;
    timer = setTimeout(() => void run(), delay);
  }

  async function run(): Promise<void> {
    timer = null;
    running = true;
    const gen = generation;
    const ids = [...asked];
    asked.clear();
    try {
      await deps.reload();
    } catch {
      // A failed reload helped nobody: it backs off like one that found nothing.
    } finally {
      running = false;
    }
    if (disposed || gen !== generation) return;
    const helped = ids.some((id) => deps.isKnown(id));
    delay = helped ? UNKNOWN_UNIT_RELOAD_MS : Math.min(UNKNOWN_UNIT_RELOAD_MAX_MS, delay * 2);
    // Units seen while the reload ran: their next sighting schedules the next one.
    schedule();
  }

  return {
    notice(unitId) {
      if (asked.size < UNKNOWN_IDS_KEPT) asked.add(unitId);
      schedule();
    },
    reset() {
      generation += 1;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      running = false;
      asked.clear();
      delay = UNKNOWN_UNIT_RELOAD_MS;
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    delay: () => delay,
  };
}
