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
  /**
   * The internal profile id (a UUID), what production writes into an alert's
   * `acknowledgedBy` / `resolvedBy` (PROTOCOL.md: ids, not names; issue #10).
   */
  profileId: string;
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
    profileId: '7d2c5b1e-4a0f-4c3e-9b8a-1f2e3d4c5b6a',
    email: 'demo@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Dana Demo',
    memberships: [{ organizationId: DEMO_ORG.id, role: 'supervisor' }],
  },
  {
    id: 'user-other',
    profileId: 'c1a9e3f2-5b7d-4e8a-a6c4-2d3e4f5a6b7c',
    email: 'other@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Oscar Other',
    memberships: [{ organizationId: OTHER_ORG.id, role: 'supervisor' }],
  },
  {
    id: 'user-noorg',
    profileId: '0b4f6d8e-2c1a-4b3d-8e5f-6a7b8c9d0e1f',
    email: 'noorg@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Nora No-Org',
    memberships: [],
  },
  {
    // A colleague of the demo supervisor: acknowledges and resolves "elsewhere" (issue #10).
    id: 'user-colleague',
    profileId: '5e8a2b4c-9d1f-4a6e-b3c7-8f0e1d2c3b4a',
    email: 'colleague@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Casey Colleague',
    memberships: [{ organizationId: DEMO_ORG.id, role: 'staff' }],
  },
  {
    // Read-only: acknowledging and resolving need `staff` or above (PROTOCOL.md).
    id: 'user-viewer',
    profileId: '9f3b7c1d-6e2a-4d5b-8c9e-0a1b2c3d4e5f',
    email: 'viewer@frostline.test',
    password: DEMO_PASSWORD,
    displayName: 'Vic Viewer',
    memberships: [{ organizationId: DEMO_ORG.id, role: 'viewer' }],
  },
];

/**
 * Roles that may acknowledge and resolve alerts: `staff` or above
 * (PROTOCOL.md). `supervisor` is the reference server's name for a manager.
 */
export const ALERT_ACTION_ROLES: ReadonlySet<string> = new Set([
  'staff',
  'supervisor',
  'manager',
  'admin',
  'owner',
]);

/** The second organization is small and fixed: it exists for isolation tests. */
export const OTHER_ORG_SHAPE = { sites: 1, unitsPerSite: 5 } as const;
