import * as v from 'valibot';
import type { ControlApi } from './control-api';
import * as schemas from './control-schemas';
import { HttpError, readJsonBody, sendJson } from './http-json';
import type { RouteContext, Router } from './http-router';

/**
 * `/control/*` over HTTP: a thin JSON mapping of the ControlApi. Mounted only
 * with `control: true`; the loopback check happens before routing (app.ts).
 */
export function registerControlRoutes(
  router: Router,
  control: ControlApi,
  maxBodyBytes: number,
): void {
  async function body<S extends v.GenericSchema>(
    ctx: RouteContext,
    schema: S,
  ): Promise<v.InferOutput<S>> {
    const result = v.safeParse(schema, await readJsonBody(ctx.req, maxBodyBytes));
    if (!result.success)
      throw new HttpError(400, 'invalid_request', result.issues[0]?.message ?? 'Invalid body');
    return result.output;
  }

  // The ControlApi validates its own input; these casts only meet its in-process signature.
  router.add('POST', '/control/readings', async (ctx) => {
    sendJson(
      ctx.res,
      200,
      control.injectReadings(
        (await readJsonBody(ctx.req, maxBodyBytes)) as schemas.InjectReadingsInput,
      ),
    );
  });
  router.add('POST', '/control/raw', async (ctx) => {
    control.emitRaw((await readJsonBody(ctx.req, maxBodyBytes)) as schemas.RawEmitInput);
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', '/control/alerts', async (ctx) => {
    sendJson(
      ctx.res,
      201,
      control.injectAlert((await readJsonBody(ctx.req, maxBodyBytes)) as schemas.InjectAlertInput),
    );
  });
  router.add('POST', '/control/alerts/:id/resolve', async (ctx) => {
    await readJsonBody(ctx.req, maxBodyBytes);
    sendJson(ctx.res, 200, control.resolveAlert(ctx.params.id ?? ''));
  });
  // A colleague's acknowledge / resolve through REST: no socket event (#10).
  router.add('POST', '/control/alerts/:id/acknowledge-as', async (ctx) => {
    const input = (await readJsonBody(ctx.req, maxBodyBytes)) as Record<string, unknown>;
    sendJson(
      ctx.res,
      200,
      control.acknowledgeAs({
        ...input,
        alertId: ctx.params.id ?? '',
      } as schemas.AcknowledgeAsInput),
    );
  });
  router.add('POST', '/control/alerts/:id/resolve-as', async (ctx) => {
    const input = (await readJsonBody(ctx.req, maxBodyBytes)) as Record<string, unknown>;
    sendJson(
      ctx.res,
      200,
      control.resolveAs({ ...input, alertId: ctx.params.id ?? '' } as schemas.ResolveAsInput),
    );
  });
  router.add('POST', '/control/alerts/:id/escalate', async (ctx) => {
    const { level } = await body(ctx, schemas.EscalateInput);
    sendJson(ctx.res, 200, control.escalateAlert(ctx.params.id ?? '', level));
  });
  router.add('POST', '/control/sockets/drop', async (ctx) => {
    const { mode } = await body(ctx, schemas.DropInput);
    sendJson(ctx.res, 200, { dropped: await control.dropSockets(mode) });
  });
  router.add('POST', '/control/outage', async (ctx) => {
    const input = await body(ctx, schemas.OutageInput);
    // Answer first: the outage closes this very listener.
    ctx.res.once('finish', () => {
      control.outage(input).catch((error: unknown) => {
        console.error('[frostline] outage failed:', error instanceof Error ? error.message : error);
      });
    });
    sendJson(ctx.res, 202, { ok: true, until: new Date(Date.now() + input.ms).toISOString() });
  });
  router.add('POST', '/control/tokens/expire', async (ctx) => {
    sendJson(ctx.res, 200, {
      expired: control.expireTokens(await body(ctx, schemas.ExpireTokensInput)),
    });
  });
  router.add('POST', '/control/tokens/revoke', async (ctx) => {
    sendJson(ctx.res, 200, {
      revoked: control.revokeTokens(await body(ctx, schemas.RevokeTokensInput)),
    });
  });
  router.add('POST', '/control/simulation', async (ctx) => {
    sendJson(ctx.res, 200, control.setSimulation(await body(ctx, schemas.SimulationInput)));
  });
  router.add('POST', '/control/simulation/step', async (ctx) => {
    const { seconds } = await body(ctx, schemas.StepInput);
    sendJson(ctx.res, 200, { readings: control.stepSimulation(seconds) });
  });
  router.add('POST', '/control/units/:id/silence', async (ctx) => {
    const { seconds } = await body(ctx, v.object({ seconds: v.number() }));
    control.silenceUnit({ unitId: ctx.params.id ?? '', seconds });
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', '/control/units/:id/limits', async (ctx) => {
    const input = await body(ctx, v.object({ tempMin: v.number(), tempMax: v.number() }));
    control.setUnitLimits({ unitId: ctx.params.id ?? '', ...input });
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('POST', '/control/latest/forget', (ctx) => {
    control.forgetLatestCache();
    sendJson(ctx.res, 200, { ok: true });
  });
  router.add('GET', '/control/counters', (ctx) => sendJson(ctx.res, 200, control.counters()));
  router.add('GET', '/control/requests', (ctx) => sendJson(ctx.res, 200, control.requests()));
  router.add('GET', '/control/state', (ctx) => sendJson(ctx.res, 200, control.state()));
}
