/**
 * The fixed organizations and accounts of the reference server. Passwords are
 * demo values printed by the CLI; nothing here is a secret.
 */
export interface OrganizationFixture {
  id: string;
  name: string;
  /** Short prefix for the ids of the organization's sites, areas and units. */
  slug: string;
}

export interface UserFixture {
  id: string;
  email: string;
  password: string;
  displayName: string;
  memberships: { organizationId: string; role: string }[];
}

export const DEMO_ORG: OrganizationFixture = {
  id: 'org-northwind',
  name: 'Northwind Foods',
  slug: 'nw',
};
export const OTHER_ORG: OrganizationFixture = { id: 'org-harbor', name: 'Harbor Labs', slug: 'hb' };

export const DEMO_PASSWORD = 'frostline';

export const USERS: readonly UserFixture[] = [
  {
    id: 'user-demo',
    email: 'demo@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Dana Demo',
    memberships: [{ organizationId: DEMO_ORG.id, role: 'supervisor' }],
  },
  {
    id: 'user-other',
    email: 'other@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Oscar Other',
    memberships: [{ organizationId: OTHER_ORG.id, role: 'supervisor' }],
  },
  {
    id: 'user-noorg',
    email: 'noorg@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Nora No-Org',
    memberships: [],
  },
];

/** The second organization is small and fixed: it exists for isolation tests. */
export const OTHER_ORG_SHAPE = { sites: 1, unitsPerSite: 5 } as const;
