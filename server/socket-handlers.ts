import { rooms } from '../lib/protocol';
import { bump, type Counters } from './counters';
import type { Directory } from './directory';
import { toLatestReading, type ReadingStore } from './reading-store';
import type { AppSocket } from './socket-types';

export interface SocketHandlerDeps {
  directory: Directory;
  readings: ReadingStore;
  counters: Counters;
  now: () => number;
}

type Entity = 'site' | 'unit';

/**
 * Wires one connected socket: org room, `connection:ack`, subscriptions,
 * `get:latest` and `ping`. Arguments are typed `unknown` because a client can
 * send anything; bad input is answered or counted, never thrown.
 */
export function attachSocketHandlers(socket: AppSocket, deps: SocketHandlerDeps): void {
  const { organizationId } = socket.data;
  const { directory, counters } = deps;
  void socket.join(rooms.org(organizationId));
  socket.emit('connection:ack', {
    socketId: socket.id,
    timestamp: new Date(deps.now()).toISOString(),
  });

  function roomFor(entity: Entity, id: unknown): string | null {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
      counters.invalidInputs += 1;
      socket.emit('error', { message: `Invalid ${entity} id`, code: 'invalid_argument' });
      return null;
    }
    const record = entity === 'site' ? directory.sites.get(id) : directory.units.get(id);
    // Unknown and foreign ids get the same answer: existence is not disclosed.
    if (!record || record.organizationId !== organizationId) {
      counters.subscriptions.denied += 1;
      socket.emit('subscription:error', { entity, entityId: id, message: 'Access denied' });
      return null;
    }
    return entity === 'site' ? rooms.site(organizationId, id) : rooms.unit(organizationId, id);
  }

  socket.on('subscribe:site', (siteId: unknown) => {
    const room = roomFor('site', siteId);
    if (!room) return;
    counters.subscriptions.site += 1;
    void socket.join(room);
  });
  socket.on('subscribe:unit', (unitId: unknown) => {
    const room = roomFor('unit', unitId);
    if (!room) return;
    counters.subscriptions.unit += 1;
    void socket.join(room);
  });
  socket.on('unsubscribe:site', (siteId: unknown) => {
    if (typeof siteId === 'string') void socket.leave(rooms.site(organizationId, siteId));
    else counters.invalidInputs += 1;
  });
  socket.on('unsubscribe:unit', (unitId: unknown) => {
    if (typeof unitId === 'string') void socket.leave(rooms.unit(organizationId, unitId));
    else counters.invalidInputs += 1;
  });

  socket.on('get:latest', (unitId: unknown, ack: unknown) => {
    if (typeof ack !== 'function') {
      counters.invalidInputs += 1;
      return;
    }
    const unit = typeof unitId === 'string' ? directory.units.get(unitId) : undefined;
    const latest =
      unit && unit.organizationId === organizationId ? deps.readings.latest(unit.id) : undefined;
    bump(counters.answered, 'get:latest');
    (ack as (reading: unknown) => void)(latest ? toLatestReading(latest) : null);
  });

  socket.on('ping', (ack: unknown) => {
    if (typeof ack !== 'function') {
      counters.invalidInputs += 1;
      return;
    }
    bump(counters.answered, 'ping');
    (ack as (serverTimeMs: number) => void)(Date.now());
  });
}
