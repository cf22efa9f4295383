/** Pure helpers for the scope tree: what is checked, and what toggling does. */
import type { Directory, Scope } from '../../lib/model';

export interface Selection {
  whole: boolean;
  siteIds: Set<string>;
  unitIds: Set<string>;
}

export function selectionFrom(scope: Scope | undefined): Selection {
  if (!scope || scope.kind === 'organization')
    return { whole: true, siteIds: new Set(), unitIds: new Set() };
  return { whole: false, siteIds: new Set(scope.siteIds), unitIds: new Set(scope.unitIds) };
}

/** A whole site stays a site id (so units added later are included); units outside chosen sites are listed. */
export function scopeFrom(selection: Selection, directory: Directory): Scope {
  if (selection.whole) return { kind: 'organization' };
  const siteIds = directory.sites.map((s) => s.id).filter((id) => selection.siteIds.has(id));
  const chosenSites = new Set(siteIds);
  const unitIds = directory.units
    .filter((u) => selection.unitIds.has(u.id) && !chosenSites.has(u.siteId))
    .map((u) => u.id);
  return { kind: 'selection', siteIds, unitIds };
}

export function isUnitSelected(
  selection: Selection,
  unit: { id: string; siteId: string },
): boolean {
  return selection.whole || selection.siteIds.has(unit.siteId) || selection.unitIds.has(unit.id);
}
