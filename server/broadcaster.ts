import type { Server } from 'socket.io';
import type { ServerToClientEvents } from '../lib/protocol';
import { bump, type Counters } from './counters';
import type { AppServer } from './socket-types';

export interface Broadcaster {
  /** Emits to one room; false when skipped because nobody could receive it. */
  toRoom<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): boolean;
  /** Emits an arbitrary event (control `raw`): bad-input tests need names outside the contract. */
  raw(room: string, event: string, args: unknown[]): void;
  /** Called on each disconnect that Socket.IO may later recover. */
  notePendingRecovery(untilMs: number): void;
}

/**
 * Every emit goes through here so counters stay exact, and so that emits to
 * empty rooms can be skipped: at 1,000 units most unit rooms are empty, and
 * each skipped emit saves an encode plus a slot in the recovery buffer.
 * While a disconnected socket may still be recovered, nothing is skipped,
 * because its missed packets are replayed from that buffer.
 */
export function createBroadcaster(
  io: AppServer,
  counters: Counters,
  now: () => number,
): Broadcaster {
  let recoveryPendingUntil = 0;
  // An untyped view: `raw` sends names outside the contract; `toRoom` is typed by its signature.
  const looseIo = io as unknown as Server;

  function worthEmitting(room: string): boolean {
    const members = io.sockets.adapter.rooms.get(room);
    return (members !== undefined && members.size > 0) || recoveryPendingUntil > now();
  }

  return {
    toRoom(room, event, payload) {
      if (!worthEmitting(room)) return false;
      bump(counters.events, event);
      looseIo.to(room).emit(event, payload);
      return true;
    },
    raw(room, event, args) {
      bump(counters.events, event);
      looseIo.to(room).emit(event, ...args);
    },
    notePendingRecovery(untilMs) {
      recoveryPendingUntil = Math.max(recoveryPendingUntil, untilMs);
    },
  };
}
