/**
 * Every message between the background and the extension's own pages.
 *
 * Commands are request/response over `runtime.sendMessage`; live data flows
 * over a named port (`LIVE_PORT`): the background posts a `snapshot` when a
 * page connects, then coalesced `patch`es. The popup and options page never
 * talk to the network themselves.
 */
import type { UnitView } from './state/unit-view';
import type {
  Alert,
  ConnectionInfo,
  Diagnostics,
  Directory,
  Preferences,
  Reading,
  Scope,
  SessionInfo,
  UnitState,
} from './model';

export const LIVE_PORT = 'frostline:live';

/** Per-unit live state as the pages see it. */
export interface UnitLive {
  unitId: string;
  /** Newest reading by sensor time (not arrival). */
  latest: Reading | null;
  /**
   * Last readings (at most 100), oldest first, unique by id. Empty in a
   * snapshot: the history follows as `readings` patches right after it, and in
   * full for a unit a page holds.
   */
  history: Reading[];
  state: UnitState;
}

/** Everything a page needs to paint at once. */
export interface Snapshot {
  connection: ConnectionInfo;
  session: SessionInfo | null;
  preferences: Preferences;
  scope: Scope;
  directory: Directory | null;
  units: Record<string, UnitLive>;
  /** Open alerts (active and acknowledged) in scope, worst first. */
  alerts: Alert[];
  /** Every watched unit's condition, ranked, and the counts: the pages display it (issue #9). */
  view: UnitView;
  diagnostics: Diagnostics;
  /** Background clock when the snapshot was taken. */
  at: number;
}

/**
 * A coalesced change. Whole small objects are replaced; readings arrive as the
 * new ones since the last patch (already deduplicated), alerts as upserts and
 * removals.
 */
export interface Patch {
  connection?: ConnectionInfo;
  session?: SessionInfo | null;
  preferences?: Preferences;
  scope?: Scope;
  directory?: Directory | null;
  /** New readings per unit since the last patch, oldest first. */
  readings?: Record<string, Reading[]>;
  /** Units whose `latest` or `state` changed. */
  units?: Record<string, Pick<UnitLive, 'latest' | 'state'>>;
  alerts?: { upsert: Alert[]; remove: string[] };
  /** The whole unit view, when it changed. */
  view?: UnitView;
  diagnostics?: Diagnostics;
  at: number;
}

/** Background -> page, over the live port. */
export type PortOut = { type: 'snapshot'; snapshot: Snapshot } | { type: 'patch'; patch: Patch };

/** Page -> background, over the live port: hold a room while a view is open. */
export type PortIn =
  | { type: 'hold'; entity: 'site' | 'unit'; id: string }
  | { type: 'release'; entity: 'site' | 'unit'; id: string };

/** Errors a command can answer with; `message` is safe to show. */
export type CommandErrorCode =
  | 'wrong-credentials'
  | 'server-unreachable'
  | 'token-expired'
  | 'token-invalid'
  | 'insecure-url'
  | 'invalid-url'
  | 'permission-denied'
  | 'no-organization'
  | 'not-signed-in'
  | 'already-acknowledged'
  | 'not-found'
  | 'bad-request'
  | 'server-error';

export interface CommandError {
  code: CommandErrorCode;
  message: string;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: CommandError };

/** Request/response commands, keyed by `type`, with their answers. */
export interface Commands {
  snapshot: { request: { type: 'snapshot' }; response: Snapshot };
  'sign-in': {
    request: {
      type: 'sign-in';
      serverUrl: string;
      email: string;
      password: string;
      keepSignedIn: boolean;
    };
    response: SessionInfo;
  };
  'sign-in-token': {
    request: { type: 'sign-in-token'; serverUrl: string; accessToken: string };
    response: SessionInfo;
  };
  'sign-out': { request: { type: 'sign-out' }; response: null };
  'set-scope': { request: { type: 'set-scope'; scope: Scope }; response: Scope };
  'set-preferences': {
    request: { type: 'set-preferences'; preferences: Partial<Preferences> };
    response: Preferences;
  };
  acknowledge: { request: { type: 'acknowledge'; alertId: string }; response: null };
  snooze: {
    request: { type: 'snooze'; alertId: string; minutes: number };
    response: null;
  };
  'test-notification': { request: { type: 'test-notification' }; response: null };
  /** The organization's directory, fetched fresh for the scope editor. */
  directory: { request: { type: 'directory' }; response: Directory };
  /** Plain-text diagnostics for support; never contains a token. */
  'diagnostics-text': { request: { type: 'diagnostics-text' }; response: string };
}

export type CommandType = keyof Commands;
export type CommandRequest = Commands[CommandType]['request'];
export type CommandResponse<K extends CommandType> = Result<Commands[K]['response']>;
