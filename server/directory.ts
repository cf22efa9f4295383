import { UNIT_TYPES, toScaled, type TempUnit, type WireUnitType } from '../lib/protocol';
import { DEMO_ORG, OTHER_ORG, OTHER_ORG_SHAPE, type OrganizationFixture } from './fixtures';
import { fromCelsius } from './temperature';
import { UNIT_PROFILES } from './unit-profiles';

export interface SiteRecord {
  id: string;
  organizationId: string;
  name: string;
  timezone: string;
  isActive: boolean;
  tempUnit: TempUnit;
}

export interface AreaRecord {
  id: string;
  siteId: string;
  organizationId: string;
  name: string;
  sortOrder: number;
}

export interface UnitRecord {
  id: string;
  organizationId: string;
  siteId: string;
  areaId: string;
  name: string;
  unitType: WireUnitType;
  /**
   * Thresholds in tenths of a degree of the unit's own scale (`tempUnit`),
   * integers, as production stores them (PROTOCOL.md scale table; issue #10).
   */
  tempMin: number;
  tempMax: number;
  tempUnit: TempUnit;
  deviceId: string;
  isActive: boolean;
  sortOrder: number;
  /** Position in the directory; spreads batch flushes over the second. */
  index: number;
  /**
   * A unit installed but never reported (issue #10): no readings, never
   * simulated, `lastReadingAt` null in REST, `get:latest` null. Production
   * has such units; a client must still list them.
   */
  neverReported: boolean;
}

/** The static part of the world: organizations, sites, areas, units. */
export interface Directory {
  organizations: Map<string, OrganizationFixture>;
  sites: Map<string, SiteRecord>;
  areas: Map<string, AreaRecord>;
  units: Map<string, UnitRecord>;
  /** Units in a stable order, for the simulator's loop. */
  unitList: UnitRecord[];
}

export interface DirectoryShape {
  sites: number;
  unitsPerSite: number;
  /** Never-reporting units added to the organization's first site (default 0). */
  neverReported?: number;
}

// Every third site is a US site reporting in Fahrenheit, so the F path is always exercised.
const SITE_TEMPLATES: readonly { name: string; timezone: string; tempUnit: TempUnit }[] = [
  { name: 'Downtown Kitchen', timezone: 'Europe/London', tempUnit: 'C' },
  { name: 'Riverside Commissary', timezone: 'Europe/Berlin', tempUnit: 'C' },
  { name: 'Chicago Depot', timezone: 'America/Chicago', tempUnit: 'F' },
];
const AREA_NAMES = ['Back of House', 'Front of House'] as const;

/** Builds the directory; ids are readable and stable for a given shape. */
export function buildDirectory(demo: DirectoryShape): Directory {
  const directory: Directory = {
    organizations: new Map(),
    sites: new Map(),
    areas: new Map(),
    units: new Map(),
    unitList: [],
  };
  addOrganization(directory, DEMO_ORG, demo);
  addOrganization(directory, OTHER_ORG, OTHER_ORG_SHAPE);
  return directory;
}

function addOrganization(
  directory: Directory,
  org: OrganizationFixture,
  shape: DirectoryShape,
): void {
  directory.organizations.set(org.id, org);
  for (let s = 0; s < shape.sites; s++) {
    const template = SITE_TEMPLATES[s % SITE_TEMPLATES.length] ?? SITE_TEMPLATES[0]!;
    const round = Math.floor(s / SITE_TEMPLATES.length);
    const site: SiteRecord = {
      id: `site-${org.slug}-${s + 1}`,
      organizationId: org.id,
      name: round === 0 ? template.name : `${template.name} ${round + 1}`,
      timezone: template.timezone,
      isActive: true,
      tempUnit: template.tempUnit,
    };
    directory.sites.set(site.id, site);
    const areas = AREA_NAMES.map((name, a): AreaRecord => {
      const area = {
        id: `area-${org.slug}-${s + 1}-${a + 1}`,
        siteId: site.id,
        organizationId: org.id,
        name,
        sortOrder: a,
      };
      directory.areas.set(area.id, area);
      return area;
    });
    const typeCounts = new Map<WireUnitType, number>();
    for (let u = 0; u < shape.unitsPerSite; u++) {
      // Cycling through the types guarantees every type exists once a site has 5 units.
      const unitType = UNIT_TYPES[u % UNIT_TYPES.length] ?? 'fridge';
      const count = (typeCounts.get(unitType) ?? 0) + 1;
      typeCounts.set(unitType, count);
      const profile = UNIT_PROFILES[unitType];
      const area = areas[u % areas.length] ?? areas[0]!;
      const id = `unit-${org.slug}-${s + 1}-${String(u + 1).padStart(2, '0')}`;
      const unit: UnitRecord = {
        id,
        organizationId: org.id,
        siteId: site.id,
        areaId: area.id,
        name: `${profile.label} ${count}`,
        unitType,
        tempMin: toScaled('unitLimit', fromCelsius(profile.minC, site.tempUnit)),
        tempMax: toScaled('unitLimit', fromCelsius(profile.maxC, site.tempUnit)),
        tempUnit: site.tempUnit,
        deviceId: `dev-${id.slice('unit-'.length)}`,
        isActive: true,
        sortOrder: u,
        index: directory.unitList.length,
        neverReported: false,
      };
      directory.units.set(id, unit);
      directory.unitList.push(unit);
    }
    if (s === 0) addNeverReported(directory, site, areas, shape);
  }
}

/** Spare fridges on the first site that have never reported (`UnitRecord.neverReported`). */
function addNeverReported(
  directory: Directory,
  site: SiteRecord,
  areas: readonly AreaRecord[],
  shape: DirectoryShape,
): void {
  const profile = UNIT_PROFILES.fridge;
  const slug = site.id.slice('site-'.length);
  for (let k = 0; k < (shape.neverReported ?? 0); k++) {
    const id = `unit-${slug}-spare-${k + 1}`;
    const unit: UnitRecord = {
      id,
      organizationId: site.organizationId,
      siteId: site.id,
      areaId: (areas[k % areas.length] ?? areas[0]!).id,
      name: `Spare Fridge ${k + 1}`,
      unitType: 'fridge',
      tempMin: toScaled('unitLimit', fromCelsius(profile.minC, site.tempUnit)),
      tempMax: toScaled('unitLimit', fromCelsius(profile.maxC, site.tempUnit)),
      tempUnit: site.tempUnit,
      deviceId: `dev-${id.slice('unit-'.length)}`,
      isActive: true,
      sortOrder: shape.unitsPerSite + k,
      index: directory.unitList.length,
      neverReported: true,
    };
    directory.units.set(id, unit);
    directory.unitList.push(unit);
  }
}
