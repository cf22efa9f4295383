import * as v from 'valibot';
import {
  ACK_NOTES_MAX,
  ALERTS_PAGE_LIMIT,
  RESOLUTION_MAX,
  toScaled,
  type AlertStatus,
} from '../lib/protocol';
import type { Accounts } from './accounts';
import type { AlertEngine } from './alert-engine';
import { toWireAlert, type AlertStore } from './alert-store';
import type { Directory, UnitRecord } from './directory';
import { ALERT_ACTION_ROLES, type UserFixture } from './fixtures';
import { HttpError, readJsonBody, sendJson } from './http-json';
import type { RouteContext, Router } from './http-router';
import type { ReadingStore } from './reading-store';
import { authenticateRequest, requireMembership } from './rest-guard';
import type { TokenAuthority } from './tokens';

export interface OrgRouteDeps {
  tokens: TokenAuthority;
  accounts: Accounts;
  directory: Directory;
  alerts: AlertStore;
  engine: AlertEngine;
  readings: ReadingStore;
  maxBodyBytes: number;
}

const ALERT_STATUSES: readonly AlertStatus[] = ['active', 'acknowledged', 'resolved', 'escalated'];
const DEFAULT_ALERTS_LIMIT = 100;
const AcknowledgeBody = v.object({
  notes: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(ACK_NOTES_MAX)))),
});
const ResolveBody = v.object({
  resolution: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(RESOLUTION_MAX)),
  correctiveAction: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(RESOLUTION_MAX)))),
});

/** Directory and alerts under `/api/orgs/:org/...`; every route checks token then membership. */
export function registerOrgRoutes(router: Router, deps: OrgRouteDeps): void {
  const { directory } = deps;

  async function member(ctx: RouteContext): Promise<{ user: UserFixture; org: string }> {
    const user = await authenticateRequest(ctx.req, deps.tokens, deps.accounts);
    const org = ctx.params.org ?? '';
    requireMembership(user, org);
    return { user, org };
  }

  function siteOf(org: string, siteId: string | undefined) {
    const site = siteId === undefined ? undefined : directory.sites.get(siteId);
    if (!site || site.organizationId !== org)
      throw new HttpError(404, 'not_found', 'Site not found');
    return site;
  }

  router.add('GET', '/api/orgs/:org/sites', async (ctx) => {
    const { org } = await member(ctx);
    const sites = [...directory.sites.values()].filter((site) => site.organizationId === org);
    sendJson(ctx.res, 200, sites);
  });

  router.add('GET', '/api/orgs/:org/sites/:site/areas', async (ctx) => {
    const { org } = await member(ctx);
    const site = siteOf(org, ctx.params.site);
    const areas = [...directory.areas.values()]
      .filter((area) => area.siteId === site.id)
      .map(({ organizationId: _org, ...area }) => area);
    sendJson(ctx.res, 200, areas);
  });

  router.add('GET', '/api/orgs/:org/sites/:site/areas/:area/units', async (ctx) => {
    const { org } = await member(ctx);
    const site = siteOf(org, ctx.params.site);
    const area = directory.areas.get(ctx.params.area ?? '');
    if (!area || area.siteId !== site.id) throw new HttpError(404, 'not_found', 'Area not found');
    const units = directory.unitList.filter((unit) => unit.areaId === area.id).map(describeUnit);
    sendJson(ctx.res, 200, units);
  });

  function describeUnit(unit: UnitRecord) {
    const runtime = deps.engine.runtime(unit.id);
    // The database's last reading, not get:latest's per-process cache (issue #10).
    const last = deps.readings.stored(unit.id);
    const { index: _index, organizationId: _org, neverReported: _never, ...rest } = unit;
    return {
      ...rest,
      status: runtime?.status ?? 'ok',
      state: runtime?.state ?? 'normal',
      lastReadingAt: last ? new Date(last.timestampMs).toISOString() : null,
      // Hundredths of a degree, an integer (PROTOCOL.md scale table); limits are tenths already.
      lastTemperature: last ? toScaled('unitLastTemperature', last.temperature) : null,
    };
  }

  router.add('GET', '/api/orgs/:org/alerts', async (ctx) => {
    const { org } = await member(ctx);
    const query = parseAlertQuery(ctx.url.searchParams);
    const list = deps.alerts.list({ organizationId: org, ...query });
    sendJson(ctx.res, 200, list.map(toWireAlert));
  });

  // Acknowledge and resolve answer the updated alert and push nothing over the
  // socket: production sends no event for a change made through REST (#10).
  router.add('POST', '/api/orgs/:org/alerts/:alert/acknowledge', async (ctx) => {
    const { user, org } = await member(ctx);
    requireAlertRole(user, org);
    const body = v.safeParse(AcknowledgeBody, await readJsonBody(ctx.req, deps.maxBodyBytes));
    if (!body.success) {
      throw new HttpError(
        400,
        'invalid_request',
        `Expected { notes?: string } of at most ${ACK_NOTES_MAX} characters`,
      );
    }
    const alertId = alertInOrg(org, ctx.params.alert);
    const result = deps.engine.acknowledge(alertId, user.profileId, body.output.notes ?? null);
    if (!result.ok) {
      if (result.reason === 'not_found') throw new HttpError(404, 'not_found', 'Alert not found');
      throw new HttpError(409, result.reason, `Alert is ${result.reason.replace('_', ' ')}`);
    }
    sendJson(ctx.res, 200, toWireAlert(result.alert));
  });

  router.add('POST', '/api/orgs/:org/alerts/:alert/resolve', async (ctx) => {
    const { user, org } = await member(ctx);
    requireAlertRole(user, org);
    const body = v.safeParse(ResolveBody, await readJsonBody(ctx.req, deps.maxBodyBytes));
    if (!body.success) {
      throw new HttpError(
        400,
        'invalid_request',
        `Expected { resolution: string (1-${RESOLUTION_MAX} characters), correctiveAction?: string (up to ${RESOLUTION_MAX}) }`,
      );
    }
    const alertId = alertInOrg(org, ctx.params.alert);
    const result = deps.engine.resolveManually(alertId, {
      by: user.profileId,
      resolution: body.output.resolution,
      correctiveAction: body.output.correctiveAction ?? null,
    });
    if (!result.ok) {
      if (result.reason === 'not_found') throw new HttpError(404, 'not_found', 'Alert not found');
      throw new HttpError(409, result.reason, 'Alert is already resolved');
    }
    sendJson(ctx.res, 200, toWireAlert(result.alert));
  });

  // Another organization's alert answers 404, not 403: its existence is not disclosed.
  function alertInOrg(org: string, alertId: string | undefined): string {
    const alert = alertId === undefined ? undefined : deps.alerts.get(alertId);
    if (!alert || alert.organizationId !== org)
      throw new HttpError(404, 'not_found', 'Alert not found');
    return alert.id;
  }
}

/** PROTOCOL.md: acknowledging (and resolving) needs role `staff` or above. */
function requireAlertRole(user: UserFixture, org: string): void {
  const role = user.memberships.find((m) => m.organizationId === org)?.role ?? '';
  if (!ALERT_ACTION_ROLES.has(role)) {
    throw new HttpError(
      403,
      'forbidden',
      'Acknowledging and resolving alerts needs role staff or above',
    );
  }
}

function parseAlertQuery(params: URLSearchParams): {
  status?: AlertStatus;
  limit: number;
  offset: number;
} {
  const status = params.get('status');
  if (status !== null && !ALERT_STATUSES.includes(status as AlertStatus)) {
    throw new HttpError(
      400,
      'invalid_status',
      `status must be one of ${ALERT_STATUSES.join(', ')}`,
    );
  }
  const limit = parseCount(params.get('limit'), DEFAULT_ALERTS_LIMIT);
  if (limit < 1 || limit > ALERTS_PAGE_LIMIT) {
    throw new HttpError(
      400,
      'invalid_limit',
      `limit must be an integer in [1, ${ALERTS_PAGE_LIMIT}]`,
    );
  }
  const offset = parseCount(params.get('offset'), 0);
  return { status: (status as AlertStatus | null) ?? undefined, limit, offset };
}

function parseCount(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw))
    throw new HttpError(400, 'invalid_query', 'limit and offset must be non-negative integers');
  return Number(raw);
}
