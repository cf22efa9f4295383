/**
 * How the popup's list groups its units, React-free (#14): the live
 * `UnitList` and the first view (`first-view.ts`) group the same way.
 */

/** What grouping reads of an entry. */
export interface Groupable {
  info: { siteId: string; areaId: string };
  siteName: string;
  areaName: string;
}

export interface AreaGroup<E> {
  key: string;
  name: string;
  units: E[];
}
export interface SiteGroup<E> {
  key: string;
  name: string;
  areas: AreaGroup<E>[];
}

/** Groups entries (already worst first) by site then area; groups keep their worst unit's place. */
export function groupEntries<E extends Groupable>(entries: readonly E[]): SiteGroup<E>[] {
  const sites = new Map<string, SiteGroup<E>>();
  const areas = new Map<string, AreaGroup<E>>();
  for (const e of entries) {
    const siteKey = e.info.siteId || '—';
    let site = sites.get(siteKey);
    if (!site) sites.set(siteKey, (site = { key: siteKey, name: e.siteName, areas: [] }));
    const areaKey = `${siteKey}/${e.info.areaId}`;
    let area = areas.get(areaKey);
    if (!area) {
      area = { key: areaKey, name: e.areaName, units: [] };
      areas.set(areaKey, area);
      site.areas.push(area);
    }
    area.units.push(e);
  }
  return [...sites.values()];
}

/** The accessible name of an area's list. */
export function areaListLabel(siteName: string, areaName: string): string {
  return areaName ? `${siteName}, ${areaName}` : siteName;
}

/** The "more" button's words: the bench and the tests read the count in it. */
export function moreUnitsText(remaining: number): string {
  return `Show more units (${remaining} more)`;
}
