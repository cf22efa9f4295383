/**
 * A small REST client for the reference server, used the way the extension's
 * users' other tools would: sign in through Stack Auth, learn the organization, walk sites ->
 * areas -> units, read and acknowledge alerts. Tests use it to learn ids and
 * names instead of hard-coding the seeded world.
 */
import {
  api,
  type WireAlert,
  type WireArea,
  type WireSite,
  type WireUnit,
} from '../../../lib/protocol';
import { stackSignIn } from '../../support/stack';
import { DEMO } from './fixtures';

export interface OrgDirectory {
  organizationId: string;
  sites: WireSite[];
  areas: WireArea[];
  units: (WireUnit & { siteId: string })[];
}

export class RestClient {
  private constructor(
    readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  /** The bearer token, for a test that calls a route this client has no method for. */
  get token(): string {
    return this.accessToken;
  }

  /** Signs in through the server's Stack Auth identity API (issue #10). */
  static async login(baseUrl: string, email = DEMO.email, password = DEMO.password) {
    const { accessToken } = await stackSignIn(baseUrl, email, password);
    return new RestClient(baseUrl, accessToken);
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      headers: { authorization: `Bearer ${this.accessToken}` },
    });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  }

  async organizationId(): Promise<string> {
    const me = await this.get<{ primaryOrganizationId: string | null }>(api.me);
    if (!me.primaryOrganizationId) throw new Error('the user has no organization');
    return me.primaryOrganizationId;
  }

  /** Every site, area and unit of the user's organization, in REST order. */
  async directory(): Promise<OrgDirectory> {
    const org = await this.organizationId();
    const sites = await this.get<WireSite[]>(`/api/orgs/${org}/sites`);
    const areas: WireArea[] = [];
    const units: OrgDirectory['units'] = [];
    for (const site of sites) {
      const siteAreas = await this.get<WireArea[]>(`/api/orgs/${org}/sites/${site.id}/areas`);
      areas.push(...siteAreas);
      for (const area of siteAreas) {
        const list = await this.get<WireUnit[]>(
          `/api/orgs/${org}/sites/${site.id}/areas/${area.id}/units`,
        );
        units.push(...list.map((u) => ({ ...u, siteId: site.id })));
      }
    }
    return { organizationId: org, sites, areas, units };
  }

  async alerts(
    status?: 'active' | 'acknowledged' | 'resolved' | 'escalated',
  ): Promise<WireAlert[]> {
    const org = await this.organizationId();
    const query = status ? `?status=${status}` : '';
    return this.get<WireAlert[]>(`/api/orgs/${org}/alerts${query}`);
  }
}

/** The first unit (REST order) of a site whose units report in Celsius. */
export function celsiusUnitOf(dir: OrgDirectory, siteId?: string): OrgDirectory['units'][number] {
  const unit = dir.units.find((u) => u.tempUnit === 'C' && (!siteId || u.siteId === siteId));
  if (!unit) throw new Error('no Celsius unit in the seeded directory');
  return unit;
}
