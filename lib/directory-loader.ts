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
    directory: { organizationId, sites: sites.value.items, areas, units, loadedAt: ctx.now },
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
