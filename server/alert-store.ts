import type { AlertStatus, ThresholdSide, WireAlert } from '../lib/protocol';

/** A stored alert: the wire shape plus what the server needs to scope it. */
export interface AlertRecord extends WireAlert {
  organizationId: string;
  /** What the supervisor wrote on acknowledging (up to 1000 chars). */
  notes: string | null;
  /** Profile id (UUID) of who resolved it by hand; null for the evaluator (issue #10). */
  resolvedBy: string | null;
  resolution: string | null;
  correctiveAction: string | null;
}

/** What a resolve through REST records; the evaluator records none of it. */
export interface ResolveDetails {
  by: string;
  resolution: string;
  correctiveAction: string | null;
}

export interface NewAlert {
  organizationId: string;
  unitId: string;
  alertType: string;
  severity: string;
  message: string;
  /** Tenths of a degree, an integer (PROTOCOL.md scale table), or null. */
  triggerTemperature: number | null;
  thresholdViolated: ThresholdSide | null;
  triggeredAt: string;
}

export interface AlertQuery {
  organizationId: string;
  status?: AlertStatus;
  limit: number;
  offset: number;
}

export type AcknowledgeResult =
  | { ok: true; alert: AlertRecord }
  | { ok: false; reason: 'not_found' | 'already_acknowledged' | 'already_resolved' };

export type ResolveResult =
  { ok: true; alert: AlertRecord } | { ok: false; reason: 'not_found' | 'already_resolved' };

export interface AlertStore {
  create(input: NewAlert): AlertRecord;
  get(id: string): AlertRecord | undefined;
  list(query: AlertQuery): AlertRecord[];
  acknowledge(id: string, by: string, notes: string | null, at: string): AcknowledgeResult;
  /** `details` for a resolve through REST (who, what was done); none for the evaluator. */
  resolve(id: string, at: string, details?: ResolveDetails): ResolveResult;
  /** Raises the level; returns undefined for unknown or resolved alerts. */
  escalate(id: string, level?: number): AlertRecord | undefined;
}

// Resolved alerts beyond this count are forgotten, oldest first, so a long run stays bounded.
const MAX_RESOLVED = 5_000;

/**
 * In-memory alerts. Status rules (docs/server.md):
 * - `active`: open, unacknowledged, escalation level 0;
 * - `escalated`: open, unacknowledged, level >= 1 (critical);
 * - `acknowledged`: open and acknowledged, whatever the level;
 * - `resolved`: closed.
 * The `active` filter returns every open unacknowledged alert, so it includes `escalated`.
 */
export function createAlertStore(idPrefix: string): AlertStore {
  const alerts = new Map<string, AlertRecord>();
  const resolvedOrder: string[] = [];
  let sequence = 0;

  function forgetOldResolved(): void {
    while (resolvedOrder.length > MAX_RESOLVED) {
      const id = resolvedOrder.shift();
      if (id !== undefined) alerts.delete(id);
    }
  }

  return {
    create(input) {
      sequence += 1;
      const alert: AlertRecord = {
        id: `alert-${idPrefix}-${sequence}`,
        ...input,
        status: 'active',
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        escalationLevel: 0,
        notes: null,
        resolvedBy: null,
        resolution: null,
        correctiveAction: null,
      };
      alerts.set(alert.id, alert);
      return alert;
    },
    get: (id) => alerts.get(id),
    list({ organizationId, status, limit, offset }) {
      const matches: AlertRecord[] = [];
      for (const alert of alerts.values()) {
        if (alert.organizationId !== organizationId) continue;
        if (status !== undefined && !matchesStatus(alert, status)) continue;
        matches.push(alert);
      }
      // Newest first; ties broken by id so pages are stable.
      matches.sort(
        (a, b) => b.triggeredAt.localeCompare(a.triggeredAt) || b.id.localeCompare(a.id),
      );
      return matches.slice(offset, offset + limit);
    },
    acknowledge(id, by, notes, at) {
      const alert = alerts.get(id);
      if (!alert) return { ok: false, reason: 'not_found' };
      if (alert.status === 'resolved') return { ok: false, reason: 'already_resolved' };
      if (alert.status === 'acknowledged') return { ok: false, reason: 'already_acknowledged' };
      alert.status = 'acknowledged';
      alert.acknowledgedAt = at;
      alert.acknowledgedBy = by;
      alert.notes = notes;
      return { ok: true, alert };
    },
    resolve(id, at, details) {
      const alert = alerts.get(id);
      if (!alert) return { ok: false, reason: 'not_found' };
      if (alert.status === 'resolved') return { ok: false, reason: 'already_resolved' };
      alert.status = 'resolved';
      alert.resolvedAt = at;
      if (details) {
        alert.resolvedBy = details.by;
        alert.resolution = details.resolution;
        alert.correctiveAction = details.correctiveAction;
      }
      resolvedOrder.push(id);
      forgetOldResolved();
      return { ok: true, alert };
    },
    escalate(id, level) {
      const alert = alerts.get(id);
      if (!alert || alert.status === 'resolved') return undefined;
      alert.escalationLevel = Math.max(alert.escalationLevel + 1, level ?? 0);
      alert.severity = 'critical';
      if (alert.status === 'active') alert.status = 'escalated';
      return alert;
    },
  };
}

function matchesStatus(alert: AlertRecord, status: AlertStatus): boolean {
  if (status === 'active') return alert.status === 'active' || alert.status === 'escalated';
  return alert.status === status;
}

/** The REST shape: internal fields stay inside. */
export function toWireAlert(alert: AlertRecord): WireAlert & {
  organizationId: string;
  notes: string | null;
  resolution: string | null;
  correctiveAction: string | null;
} {
  return { ...alert };
}
