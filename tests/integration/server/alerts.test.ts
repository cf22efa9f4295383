import type {
  WireAlert,
  WireAlertEscalated,
  WireAlertResolved,
  WireAlertTriggered,
  WireUnitStateChanged,
} from '../../../lib/protocol';
import {
  api,
  cleanup,
  collect,
  connected,
  DEMO_ORG,
  login,
  roundTrip,
  startTestServer,
  until,
} from './helpers';

afterEach(cleanup);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// unit-nw-1-01 is a fridge on a Celsius site: 2..5 °C.
const UNIT = 'unit-nw-1-01';

describe('alert engine', () => {
  it('triggers a warning, escalates the same alert after the delay, and resolves it when back in range', async () => {
    const server = await startTestServer({ alertDelayReadings: 3 });
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    socket.emit('subscribe:unit', UNIT);
    await roundTrip(socket);
    const triggered = collect<WireAlertTriggered>(socket, 'alert:triggered');
    const escalated = collect<WireAlertEscalated>(socket, 'alert:escalated');
    const resolved = collect<WireAlertResolved>(socket, 'alert:resolved');
    const states = collect<WireUnitStateChanged>(socket, 'unit:state:changed');

    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 7.5 }] });
    await until(() => triggered.length === 1, 'alert:triggered');
    expect(triggered[0]).toMatchObject({
      unitId: UNIT,
      alertType: 'alarm_active',
      severity: 'warning',
      // Tenths of a degree (PROTOCOL.md scale table); the message is in degrees.
      triggerTemperature: 75,
      thresholdViolated: 'max',
      message: 'Fridge 1: 7.5 °C is above the max of 5 °C',
    });
    const alertId = triggered[0]!.alertId;
    let active = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?status=active`, {
      token: accessToken,
    });
    expect(
      (active.body as WireAlert[]).map((a) => [a.id, a.status, a.severity, a.triggerTemperature]),
    ).toEqual([[alertId, 'active', 'warning', 75]]);

    server.control.injectReadings({
      unitId: UNIT,
      readings: [{ temperature: 7.6 }, { temperature: 7.8 }],
    });
    await until(() => escalated.length === 1, 'alert:escalated');
    expect(escalated[0]).toEqual({ alertId, unitId: UNIT, escalationLevel: 1 });
    expect(triggered).toHaveLength(1);
    active = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?status=active`, {
      token: accessToken,
    });
    expect(
      (active.body as WireAlert[]).map((a) => [a.id, a.status, a.severity, a.escalationLevel]),
    ).toEqual([[alertId, 'escalated', 'critical', 1]]);
    const onlyEscalated = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?status=escalated`, {
      token: accessToken,
    });
    expect((onlyEscalated.body as WireAlert[]).map((a) => a.id)).toEqual([alertId]);

    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 3.9 }] });
    await until(() => resolved.length === 1, 'alert:resolved');
    expect(resolved[0]).toMatchObject({ alertId, unitId: UNIT });
    await until(
      () => states.length === 6,
      'three state changes, each delivered to org and unit room',
    );
    const transitions = states.map((s) => `${s.previousState}>${s.newState}`);
    expect(transitions).toEqual([
      'normal>warning',
      'normal>warning',
      'warning>critical',
      'warning>critical',
      'critical>normal',
      'critical>normal',
    ]);
    await roundTrip(socket);
    // Alerts go to the org room only: no duplicates despite the unit subscription.
    expect(escalated).toHaveLength(1);
    expect(resolved).toHaveLength(1);
    const resolvedList = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?status=resolved`, {
      token: accessToken,
    });
    expect((resolvedList.body as WireAlert[])[0]).toMatchObject({
      id: alertId,
      status: 'resolved',
    });
  });

  it('uses thresholds in Fahrenheit on a Fahrenheit site', async () => {
    const server = await startTestServer({ alertDelayReadings: 3 });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const triggered = collect<WireAlertTriggered>(socket, 'alert:triggered');
    // unit-nw-3-01 is a fridge at the Chicago site: 35.6..41 °F. 40 °F is fine, 45 °F is not.
    server.control.injectReadings({ unitId: 'unit-nw-3-01', readings: [{ temperature: 40 }] });
    await roundTrip(socket);
    expect(triggered).toHaveLength(0);
    server.control.injectReadings({ unitId: 'unit-nw-3-01', readings: [{ temperature: 45 }] });
    await until(() => triggered.length === 1, 'alert in F');
    expect(triggered[0]?.message).toContain('°F');
  });

  it('sends no socket event for an acknowledge or a resolve made over REST (#10)', async () => {
    const server = await startTestServer();
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    socket.emit('subscribe:unit', UNIT);
    await roundTrip(socket);
    const events: string[] = [];
    socket.onAny((name: string) => events.push(name));
    const alert = server.control.injectAlert({
      unitId: UNIT,
      severity: 'critical',
      alertType: 'door_open',
    });
    await until(() => events.includes('alert:triggered'), 'alert:triggered');
    events.length = 0;

    const ack = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts/${alert.id}/acknowledge`, {
      method: 'POST',
      token: accessToken,
      body: { notes: 'door closed' },
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: alert.id,
      status: 'acknowledged',
      acknowledgedAt: expect.any(String),
      notes: 'door closed',
    });
    // A profile id, not a name (PROTOCOL.md).
    expect((ack.body as WireAlert).acknowledgedBy).toMatch(UUID);
    const active = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts?status=active`, {
      token: accessToken,
    });
    expect(active.body).toEqual([]);

    const resolve = await api(server.url, `/api/orgs/${DEMO_ORG}/alerts/${alert.id}/resolve`, {
      method: 'POST',
      token: accessToken,
      body: { resolution: 'Door closed, temperature back', correctiveAction: 'New gasket' },
    });
    expect(resolve.status).toBe(200);
    expect(resolve.body).toMatchObject({
      id: alert.id,
      status: 'resolved',
      resolvedAt: expect.any(String),
      resolution: 'Door closed, temperature back',
      correctiveAction: 'New gasket',
    });
    expect((resolve.body as WireAlert).resolvedBy).toMatch(UUID);
    // A ping round trip after both: anything emitted for them would have arrived first.
    await roundTrip(socket);
    expect(events).toEqual([]);
    // The evaluator still resolves with an event: a second alert, closed by the control API.
    const second = server.control.injectAlert({ unitId: UNIT });
    server.control.resolveAlert(second.id);
    await until(() => events.includes('alert:resolved'), 'alert:resolved from the evaluator');
  });

  it('lets the control API act as a colleague, without any socket event (#10)', async () => {
    const server = await startTestServer();
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const events: string[] = [];
    socket.onAny((name: string) => events.push(name));
    const first = server.control.injectAlert({ unitId: UNIT });
    const second = server.control.injectAlert({ unitId: 'unit-nw-1-02' });
    await until(() => events.length === 2, 'two triggers');
    const acked = server.control.acknowledgeAs({ alertId: first.id, notes: 'on it' });
    expect(acked).toMatchObject({ status: 'acknowledged' });
    expect(acked.acknowledgedBy).toMatch(UUID);
    expect(() => server.control.acknowledgeAs({ alertId: first.id })).toThrow(/already/);
    const resolved = server.control.resolveAs({ alertId: second.id, resolution: 'fixed' });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: acked.acknowledgedBy });
    expect(() => server.control.resolveAs({ alertId: second.id, resolution: '' })).toThrow();
    await roundTrip(socket);
    expect(events).toEqual(['alert:triggered', 'alert:triggered']);
  });

  it('lets the control API escalate and resolve alerts', async () => {
    const server = await startTestServer();
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const escalated = collect<WireAlertEscalated>(socket, 'alert:escalated');
    const alert = server.control.injectAlert({ unitId: UNIT });
    expect(server.control.escalateAlert(alert.id)).toMatchObject({
      escalationLevel: 1,
      severity: 'critical',
    });
    expect(server.control.escalateAlert(alert.id, 3)).toMatchObject({ escalationLevel: 3 });
    await until(() => escalated.length === 2, 'two escalations');
    expect(escalated.map((e) => e.escalationLevel)).toEqual([1, 3]);
    expect(server.control.resolveAlert(alert.id).status).toBe('resolved');
    expect(() => server.control.resolveAlert(alert.id)).toThrow(/already resolved/);
    expect(() => server.control.escalateAlert('alert-unknown')).toThrow();
  });
});
