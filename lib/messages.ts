/**
 * Every message between the background and the extension's own pages.
 *
 * Commands are request/response over `runtime.sendMessage`; live data flows
 * over a named port (`LIVE_PORT`): the background posts a `snapshot` when a
 * page connects, then coalesced `patch`es. The popup and options page never
 * talk to the network themselves.
 */
import * as v from './check';
import { ACK_NOTES_MAX, RESOLUTION_MAX } from './protocol';
import type { SinceLastLooked } from './event-log';
import type { DeliveryNotice } from './delivery';
import type { ManagedConfig } from './managed';
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

export { LIVE_PORT } from './page-guards';

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
  /** What may keep alerts from reaching the supervisor (issue #13, `deliveryNotices`). */
  delivery: DeliveryNotice[];
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
  units?: Record<string, UnitChange>;
  alerts?: { upsert: Alert[]; remove: string[] };
  /** The whole unit view, when it changed. */
  view?: UnitView;
  diagnostics?: Diagnostics;
  /** The delivery notices, when they changed. */
  delivery?: DeliveryNotice[];
  /**
   * Set on the history chunks that follow a snapshot (nothing else in them
   * but `readings`): a page may apply them after its first paint (#14).
   */
  backfill?: true;
  at: number;
}

/**
 * A unit's new `latest` and `state` in a patch. When its latest reading is
 * one of the patch's `readings` for the unit (nearly always), only its id is
 * sent, as `latestId`, instead of the reading a second time (#14: the
 * duplicate was half of every patch the worker serialised).
 */
export type UnitChange =
  Pick<UnitLive, 'latest' | 'state'> | { state: UnitState; latestId: string };

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
  /** The Stack Auth project id, key or API URL is wrong (issue #10). */
  | 'auth-config'
  /** The Stack Auth API cannot be reached (issue #10). */
  | 'auth-unreachable'
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
      /** The Stack Auth project to sign in with, as typed (issue #10). */
      stack: { projectId: string; publishableClientKey: string; apiUrl: string };
    };
    response: SessionInfo;
  };
  /** What the administrator's policy presets (issue #10). */
  'managed-config': { request: { type: 'managed-config' }; response: ManagedConfig };
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
  /** Acknowledge, with an optional note of what was done (issue #10). */
  acknowledge: {
    request: { type: 'acknowledge'; alertId: string; notes?: string };
    response: null;
  };
  /** Resolve: what was done (required) and an optional corrective action (issue #10). */
  resolve: {
    request: { type: 'resolve'; alertId: string; resolution: string; correctiveAction?: string };
    response: null;
  };
  snooze: {
    request: { type: 'snooze'; alertId: string; minutes: number };
    response: null;
  };
  'test-notification': { request: { type: 'test-notification' }; response: null };
  /** Plays the critical alert sound once (issue #13). */
  'test-sound': { request: { type: 'test-sound' }; response: null };
  /** The organization's directory, fetched fresh for the scope editor. */
  directory: { request: { type: 'directory' }; response: Directory };
  /** Plain-text diagnostics for support; never contains a token. */
  'diagnostics-text': { request: { type: 'diagnostics-text' }; response: string };
  /**
   * The signed-in server holds unit limits in whole degrees (issue #10);
   * answers the directory read again with the setting.
   */
  'set-whole-degree-limits': {
    request: { type: 'set-whole-degree-limits'; enabled: boolean };
    response: Directory;
  };
  /** What happened since the popup was last closed (issue #13), newest first. */
  'since-last-looked': { request: { type: 'since-last-looked' }; response: SinceLastLooked };
  /**
   * Sent by the popup's first script (public/wake.js) so a stopped worker
   * starts while the popup loads (#14); answered once the worker is ready.
   */
  wake: { request: { type: 'wake' }; response: null };
}

export type CommandType = keyof Commands;
export type CommandRequest = Commands[CommandType]['request'];
export type CommandResponse<K extends CommandType> = Result<Commands[K]['response']>;

// ---------------------------------------------------------------------------
// Schemas (issue #9): the pages' messages are checked (lib/check.ts) like the
// wire payloads, and the types above are checked against them at compile time.
// ---------------------------------------------------------------------------

const MAX_TEXT = 4096;
const text = (max = MAX_TEXT) => v.text(max);
const id = v.text(128, { min: 1 });
const ids = v.array(text(128), 10_000);
const minutes = (min: number) =>
  v.refine(
    v.number(),
    (n) => Number.isInteger(n) && n >= min && n <= 24 * 60,
    'minutes',
    `an integer from ${min} to ${24 * 60}`,
  );
const clock = v.text(5, { pattern: /^([01]\d|2[0-3]):[0-5]\d$/ });

export const ScopeSchema = v.variant('kind', [
  v.object({ kind: v.literal('organization') }),
  v.object({ kind: v.literal('selection'), siteIds: ids, unitIds: ids }),
]);

export const PreferencesPatchSchema = v.object(
  v.partial({
    minSeverity: v.picklist(['info', 'warning', 'critical']),
    quietHours: v.object({ enabled: v.boolean(), start: clock, end: clock }),
    mutedSiteIds: ids,
    renotifyMinutes: minutes(0),
    tempScale: v.picklist(['unit', 'C', 'F']),
    staleMinutes: minutes(1),
    dashboardUrlTemplate: text(2000),
    sound: v.object({
      critical: v.picklist(['off', 'once', 'repeat']),
      warning: v.picklist(['off', 'once', 'repeat']),
      info: v.picklist(['off', 'once', 'repeat']),
    }),
    realertMinutes: v.object({ critical: minutes(0), warning: minutes(0), info: minutes(0) }),
  }),
);

/** Every command a page may send; anything else is answered `bad-request`. */
export const CommandRequestSchema = v.variant('type', [
  v.object({ type: v.literal('snapshot') }),
  v.object({
    type: v.literal('sign-in'),
    serverUrl: text(),
    email: text(320),
    password: text(),
    keepSignedIn: v.boolean(),
    stack: v.object({
      projectId: text(128),
      publishableClientKey: text(256),
      apiUrl: text(2048),
    }),
  }),
  v.object({ type: v.literal('managed-config') }),
  v.object({ type: v.literal('sign-in-token'), serverUrl: text(), accessToken: text(16_384) }),
  v.object({ type: v.literal('sign-out') }),
  v.object({ type: v.literal('set-scope'), scope: ScopeSchema }),
  v.object({ type: v.literal('set-preferences'), preferences: PreferencesPatchSchema }),
  v.object({
    type: v.literal('acknowledge'),
    alertId: id,
    notes: v.optional(text(ACK_NOTES_MAX)),
  }),
  v.object({
    type: v.literal('resolve'),
    alertId: id,
    resolution: v.text(RESOLUTION_MAX, { min: 1, trim: true }),
    correctiveAction: v.optional(text(RESOLUTION_MAX)),
  }),
  v.object({ type: v.literal('snooze'), alertId: text(128), minutes: minutes(1) }),
  v.object({ type: v.literal('test-notification') }),
  v.object({ type: v.literal('test-sound') }),
  v.object({ type: v.literal('directory') }),
  v.object({ type: v.literal('diagnostics-text') }),
  v.object({ type: v.literal('set-whole-degree-limits'), enabled: v.boolean() }),
  v.object({ type: v.literal('since-last-looked') }),
  v.object({ type: v.literal('wake') }),
]);

/** Page -> background over the live port. */
export const PortInSchema = v.variant('type', [
  v.object({ type: v.literal('hold'), entity: v.picklist(['site', 'unit']), id }),
  v.object({ type: v.literal('release'), entity: v.picklist(['site', 'unit']), id }),
]);

/**
 * Background -> page. Checked shallowly on purpose: it comes from our own
 * worker (the sender is checked), and a deep check of a 1,000-unit snapshot
 * would cost the popup its time to data.
 */
export const PortOutSchema = v.variant('type', [
  v.object({ type: v.literal('snapshot'), snapshot: v.looseObject({}) }),
  v.object({ type: v.literal('patch'), patch: v.looseObject({}) }),
]);

/** A command's answer, as the page receives it. */
export const ResultSchema = v.variant('ok', [
  v.looseObject({ ok: v.literal(true), data: v.unknown() }),
  v.object({
    ok: v.literal(false),
    error: v.object({ code: v.string(), message: v.string() }),
  }),
]);

/** Compile-time: the hand-written types and the schemas describe the same messages. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTypes: [
  Same<v.Output<typeof CommandRequestSchema>, CommandRequest>,
  Same<v.Output<typeof PortInSchema>, PortIn>,
  Same<v.Output<typeof ScopeSchema>, Scope>,
  Same<v.Output<typeof PreferencesPatchSchema>, Partial<Preferences>>,
] = [true, true, true, true];
void schemasMatchTypes;
