import type { WireAlert, WireMe, WireSite, WireTokens, WireUnit } from '../../../lib/protocol';
import {
  api,
  cleanup,
  DEMO_ORG,
  login,
  NOORG,
  OTHER,
  OTHER_ORG,
  PASSWORD,
  startTestServer,
} from './helpers';

afterEach(cleanup);

describe('REST', () => {
  it('logs in, rejects bad credentials, and describes the user', async () => {
    const server = await startTestServer();
    const bad = await api(server.url, '/api/auth/login', {
      method: 'POST',
      body: { email: 'demo@frostline.test', password: 'wrong' },
    });
    expect(bad).toEqual({
      status: 401,
      body: { error: { code: 'invalid_credentials', message: 'Invalid email or password' } },
    });
    expect(
      (await api(server.url, '/api/auth/login', { method: 'POST', body: { email: 1 } })).status,
    ).toBe(400);

    const tokens = await login(server.url);
    expect(new Date(tokens.expiresAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    const me = await api(server.url, '/api/auth/me', { token: tokens.accessToken });
    expect(me.body).toEqual({
      userId: 'user-demo',
      email: 'demo@frostline.test',
      displayName: 'Dana Demo',
      primaryOrganizationId: DEMO_ORG,
      organizations: [{ organizationId: DEMO_ORG, role: 'supervisor', name: 'Northwind Foods' }],
    } satisfies WireMe);
    const noorg = await api(server.url, '/api/auth/me', {
      token: (await login(server.url, NOORG)).accessToken,
    });
    expect(noorg.body).toMatchObject({ organizations: [], primaryOrganizationId: null });
  });

  it('answers 401 without, with a bad, or with an expired token, without echoing it', async () => {
    const server = await startTestServer();
    const sites = `/api/orgs/${DEMO_ORG}/sites`;
    expect(await api(server.url, sites)).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'Authentication token required' } },
    });
    const garbage = await api(server.url, sites, { token: 'garbage' });
    expect(garbage.status).toBe(401);
    expect(JSON.stringify(garbage.body)).not.toContain('garbage');
    const { accessToken } = await login(server.url);
    server.control.expireTokens();
    const expired = await api(server.url, sites, { token: accessToken });
    expect(expired).toEqual({
      status: 401,
      body: { error: { code: 'token_expired', message: 'Token expired' } },
    });
  });

  it('serves the directory with tempUnit and live fields, and 403 for another organization', async () => {
    const server = await startTestServer();
    const { accessToken: token } = await login(server.url);
    const sites = (await api(server.url, `/api/orgs/${DEMO_ORG}/sites`, { token }))
      .body as WireSite[];
    expect(sites.map((s) => s.id)).toEqual(['site-nw-1', 'site-nw-2', 'site-nw-3']);
    const areas = await api(server.url, `/api/orgs/${DEMO_ORG}/sites/site-nw-3/areas`, { token });
    expect(areas.body).toEqual([
      { id: 'area-nw-3-1', siteId: 'site-nw-3', name: 'Back of House', sortOrder: 0 },
      { id: 'area-nw-3-2', siteId: 'site-nw-3', name: 'Front of House', sortOrder: 1 },
    ]);
    const units = (
      await api(server.url, `/api/orgs/${DEMO_ORG}/sites/site-nw-3/areas/area-nw-3-1/units`, {
        token,
      })
    ).body as WireUnit[];
    expect(units.length).toBe(4);
    for (const unit of units) {
      expect(unit.tempUnit).toBe('F');
      expect(unit.status).toBe('ok');
      expect(typeof unit.lastTemperature).toBe('number');
      expect(typeof unit.lastReadingAt).toBe('string');
    }
    const allTypes = new Set<string>();
    for (const area of ['area-nw-1-1', 'area-nw-1-2']) {
      const list = (
        await api(server.url, `/api/orgs/${DEMO_ORG}/sites/site-nw-1/areas/${area}/units`, {
          token,
        })
      ).body as WireUnit[];
      for (const unit of list) {
        allTypes.add(unit.unitType);
        expect(unit.tempUnit).toBe('C');
      }
    }
    expect([...allTypes].sort()).toEqual([
      'blast_chiller',
      'display_case',
      'freezer',
      'fridge',
      'walk_in',
    ]);

    expect((await api(server.url, `/api/orgs/${OTHER_ORG}/sites`, { token })).status).toBe(403);
    expect((await api(server.url, `/api/orgs/${OTHER_ORG}/alerts`, { token })).status).toBe(403);
    expect(
      (await api(server.url, `/api/orgs/${DEMO_ORG}/sites/site-hb-1/areas`, { token })).status,
    ).toBe(404);
    expect(
      (
        await api(server.url, `/api/orgs/${DEMO_ORG}/sites/site-nw-1/areas/area-nw-2-1/units`, {
          token,
        })
      ).status,
    ).toBe(404);
  });

  it('validates alert list queries and pages newest first', async () => {
    const server = await startTestServer();
    const { accessToken: token } = await login(server.url);
    const ids = [1, 2, 3].map(
      (n) =>
        server.control.injectAlert({
          unitId: 'unit-nw-1-02',
          triggeredAt: `2030-01-0${n}T00:00:00.000Z`,
        }).id,
    );
    const base = `/api/orgs/${DEMO_ORG}/alerts`;
    const page = await api(server.url, `${base}?status=active&limit=2&offset=1`, { token });
    expect((page.body as WireAlert[]).map((a) => a.id)).toEqual([ids[1], ids[0]]);
    expect(((await api(server.url, base, { token })).body as WireAlert[]).length).toBe(3);
    for (const query of [
      'status=open',
      'limit=0',
      'limit=1001',
      'limit=abc',
      'offset=-1',
      'limit=1.5',
    ]) {
      const res = await api(server.url, `${base}?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
    expect((await api(server.url, `${base}?limit=1000`, { token })).status).toBe(200);
  });

  it('validates acknowledge and resolve bodies, roles, and pages each status (#10)', async () => {
    const server = await startTestServer();
    const { accessToken: token } = await login(server.url);
    const { accessToken: viewerToken } = await login(server.url, 'viewer@frostline.test');
    const ids = [1, 2, 3, 4].map(
      (n) =>
        server.control.injectAlert({
          unitId: 'unit-nw-1-03',
          triggeredAt: `2030-02-0${n}T00:00:00.000Z`,
        }).id,
    );
    const path = (id: string | undefined, action: string) =>
      `/api/orgs/${DEMO_ORG}/alerts/${id}/${action}`;
    const post = (id: string | undefined, action: string, body?: unknown, as = token) =>
      api(server.url, path(id, action), { method: 'POST', token: as, body });

    const longNote = await post(ids[0], 'acknowledge', { notes: 'x'.repeat(1001) });
    expect(longNote.status).toBe(400);
    expect(longNote.body).toMatchObject({ error: { code: 'invalid_request' } });
    const viewer = await post(ids[0], 'acknowledge', {}, viewerToken);
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({
      error: { code: 'forbidden', message: expect.any(String) },
    });
    expect((await post(ids[0], 'resolve', { resolution: 'x' }, viewerToken)).status).toBe(403);
    expect((await post(ids[0], 'acknowledge', { notes: 'y'.repeat(1000) })).status).toBe(200);
    expect((await post(ids[1], 'acknowledge')).status).toBe(200);

    for (const body of [
      undefined,
      {},
      { resolution: '' },
      { resolution: '   ' },
      { resolution: 'x'.repeat(2001) },
      { resolution: 'ok', correctiveAction: 'x'.repeat(2001) },
    ]) {
      const res = await post(ids[2], 'resolve', body);
      expect(res.status, JSON.stringify(body)?.slice(0, 40)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect((await post(ids[2], 'resolve', { resolution: 'r'.repeat(2000) })).status).toBe(200);
    const again = await post(ids[2], 'resolve', { resolution: 'again' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'already_resolved' } });

    const list = async (query: string) =>
      (
        (await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?${query}`, { token }))
          .body as WireAlert[]
      ).map((a) => a.id);
    // One status at a time, newest first, paged by limit and offset.
    expect(await list('status=acknowledged&limit=1')).toEqual([ids[1]]);
    expect(await list('status=acknowledged&limit=1&offset=1')).toEqual([ids[0]]);
    expect(await list('status=acknowledged&limit=1&offset=2')).toEqual([]);
    expect(await list('status=active')).toEqual([ids[3]]);
    expect(await list('status=resolved')).toEqual([ids[2]]);
  });

  it('answers 409 on a second acknowledgement and 404 for unknown or foreign alerts', async () => {
    const server = await startTestServer();
    const { accessToken: token } = await login(server.url);
    const { accessToken: otherToken } = await login(server.url, OTHER);
    const alert = server.control.injectAlert({ unitId: 'unit-nw-1-01' });
    const ackPath = `/api/orgs/${DEMO_ORG}/alerts/${alert.id}/acknowledge`;
    expect((await api(server.url, ackPath, { method: 'POST', token })).status).toBe(200);
    const again = await api(server.url, ackPath, { method: 'POST', token, body: {} });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'already_acknowledged' } });
    expect(
      (await api(server.url, ackPath, { method: 'POST', token, body: { notes: 5 } })).status,
    ).toBe(400);
    expect(
      (
        await api(server.url, `/api/orgs/${DEMO_ORG}/alerts/nope/acknowledge`, {
          method: 'POST',
          token,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(server.url, `/api/orgs/${DEMO_ORG}/alerts/nope/resolve`, {
          method: 'POST',
          token,
          body: { resolution: 'checked' },
        })
      ).status,
    ).toBe(404);
    // The other organization's user cannot see it through their own org either.
    const foreign = await api(server.url, `/api/orgs/${OTHER_ORG}/alerts/${alert.id}/resolve`, {
      method: 'POST',
      token: otherToken,
      body: { resolution: 'checked' },
    });
    expect(foreign.status).toBe(404);
  });

  it('rotates refresh tokens and honours revocation', async () => {
    const server = await startTestServer();
    const first = await login(server.url);
    const rotated = await api(server.url, '/api/auth/refresh', {
      method: 'POST',
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const second = rotated.body as WireTokens;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    // The old refresh token worked once.
    const replay = await api(server.url, '/api/auth/refresh', {
      method: 'POST',
      body: { refreshToken: first.refreshToken },
    });
    expect(replay.status).toBe(401);
    expect((await api(server.url, '/api/auth/me', { token: second.accessToken })).status).toBe(200);

    server.control.revokeTokens({ email: 'demo@frostline.test' });
    expect(
      (
        await api(server.url, '/api/auth/refresh', {
          method: 'POST',
          body: { refreshToken: second.refreshToken },
        })
      ).status,
    ).toBe(401);
    const me = await api(server.url, '/api/auth/me', { token: second.accessToken });
    expect(me).toEqual({
      status: 401,
      body: { error: { code: 'invalid_token', message: 'Invalid or expired token' } },
    });
    expect(
      (
        await api(server.url, '/api/auth/login', {
          method: 'POST',
          body: { email: 'demo@frostline.test', password: PASSWORD },
        })
      ).status,
    ).toBe(200);
  });

  it('answers 404 JSON for unknown routes, 405 for wrong methods, 413 for huge bodies', async () => {
    const server = await startTestServer();
    const unknown = await api(server.url, '/api/nothing-here');
    expect(unknown).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'No such route' } },
    });
    expect((await api(server.url, '/api/auth/login')).status).toBe(405);
    const huge = await api(server.url, '/api/auth/login', {
      method: 'POST',
      body: { email: 'x'.repeat(70 * 1024), password: 'y' },
    });
    expect(huge.status).toBe(413);
    expect(
      (await api(server.url, '/api/auth/login', { method: 'POST', body: '{not json' })).status,
    ).toBe(400);
  });
});
