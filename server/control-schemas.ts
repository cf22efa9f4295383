import * as v from 'valibot';

/** Inputs of the control interface, shared by the in-process API and `/control/*`. */
const nullableNumber = v.optional(v.nullable(v.pipe(v.number(), v.finite())));

export const InjectReadingsInput = v.object({
  unitId: v.string(),
  readings: v.pipe(
    v.array(
      v.object({
        id: v.optional(v.pipe(v.string(), v.minLength(1))),
        temperature: v.pipe(v.number(), v.finite()),
        humidity: nullableNumber,
        battery: nullableNumber,
        signalStrength: nullableNumber,
        /** ISO 8601; defaults to now. Old timestamps simulate late delivery. */
        timestamp: v.optional(v.pipe(v.string(), v.isoTimestamp())),
      }),
    ),
    v.minLength(1),
    v.maxLength(10_000),
  ),
});
export type InjectReadingsInput = v.InferInput<typeof InjectReadingsInput>;

export const RawEmitInput = v.object({
  event: v.pipe(v.string(), v.minLength(1)),
  /** Arguments of the emit; `payload` is shorthand for a single argument. */
  args: v.optional(v.array(v.unknown())),
  payload: v.optional(v.unknown()),
  /** Defaults to the demo organization. */
  organizationId: v.optional(v.string()),
  /** Overrides the target room entirely (e.g. a unit room). */
  room: v.optional(v.string()),
});
export type RawEmitInput = v.InferInput<typeof RawEmitInput>;

/** Limits in degrees of the unit's scale; the server stores tenths. */
export const UnitLimitsInput = v.pipe(
  v.object({
    unitId: v.string(),
    tempMin: v.pipe(v.number(), v.finite()),
    tempMax: v.pipe(v.number(), v.finite()),
  }),
  v.check((input) => input.tempMin < input.tempMax, 'tempMin must be below tempMax'),
);

export const InjectAlertInput = v.object({
  unitId: v.string(),
  severity: v.optional(v.string(), 'warning'),
  alertType: v.optional(v.string(), 'alarm_active'),
  message: v.optional(v.string()),
  temperature: v.optional(v.nullable(v.pipe(v.number(), v.finite())), null),
  thresholdViolated: v.optional(v.nullable(v.picklist(['min', 'max'])), null),
  triggeredAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
});
export type InjectAlertInput = v.InferInput<typeof InjectAlertInput>;

export const EscalateInput = v.object({
  level: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

export const DropMode = v.picklist(['server-disconnect', 'crash']);
export type DropMode = v.InferOutput<typeof DropMode>;

export const DropInput = v.object({ mode: DropMode });

export const OutageInput = v.object({
  ms: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10 * 60 * 1000)),
  mode: v.optional(DropMode, 'crash'),
});
export type OutageInput = v.InferInput<typeof OutageInput>;

export const ExpireTokensInput = v.object({ email: v.optional(v.string()) });
export const RevokeTokensInput = v.object({ email: v.string() });
export const SimulationInput = v.object({ paused: v.boolean() });
export const StepInput = v.object({
  seconds: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(3600)),
});

export const SilenceInput = v.object({
  unitId: v.string(),
  seconds: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(24 * 3600)),
});

/** Who acts "as a colleague" (issue #10): another user of the organization, by email. */
export const COLLEAGUE_EMAIL = 'colleague@frostline.test';

export const AcknowledgeAsInput = v.object({
  alertId: v.string(),
  email: v.optional(v.string(), COLLEAGUE_EMAIL),
  notes: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000))), null),
});
export type AcknowledgeAsInput = v.InferInput<typeof AcknowledgeAsInput>;

export const ResolveAsInput = v.object({
  alertId: v.string(),
  email: v.optional(v.string(), COLLEAGUE_EMAIL),
  resolution: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
  correctiveAction: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(2000))), null),
});
export type ResolveAsInput = v.InferInput<typeof ResolveAsInput>;
