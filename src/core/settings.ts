import { z } from 'zod';

/**
 * A workflow's slice of the configuration: its environment variables (zod, with defaults), the fix
 * shown when one is wrong, cross-field checks, and the typed object its code reads. src/config.ts
 * composes every installed slice, so a workflow's settings live in its own folder.
 */
export interface SettingsSlice<T = unknown> {
  readonly workflow: string;
  readonly shape: z.ZodRawShape;
  /** How to fix each variable, shown after its error. */
  readonly fixes: Readonly<Record<string, string>>;
  /** Problems that involve several variables; each names the variable and the fix. */
  check(raw: Record<string, unknown>): string[];
  build(raw: Record<string, unknown>): T;
  /** This workflow's settings from a loaded configuration. */
  of(config: { settings: Readonly<Record<string, unknown>> }): T;
}

export function defineSettings<S extends z.ZodRawShape, T>(
  workflow: string,
  shape: S,
  build: (raw: z.infer<z.ZodObject<S>>) => T,
  opts: { fixes?: Record<string, string>; check?: (raw: z.infer<z.ZodObject<S>>) => string[] } = {},
): SettingsSlice<T> {
  return {
    workflow,
    shape,
    fixes: opts.fixes ?? {},
    check: (raw) => opts.check?.(raw as z.infer<z.ZodObject<S>>) ?? [],
    build: (raw) => build(raw as z.infer<z.ZodObject<S>>),
    of: (config) => {
      if (!(workflow in config.settings)) throw new Error(`settings of workflow "${workflow}" are not loaded`);
      return config.settings[workflow] as T;
    },
  };
}

// ── Field builders shared by every slice, so an empty variable means "use the default" everywhere ──

export const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
export const intIn = (min: number, max: number, dflt: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(dflt));
/** A wall-clock time in BOT_TIMEZONE, `HH:mm`. */
export const timeOfDay = (dflt: string) =>
  z
    .preprocess(emptyToUndefined, z.string().default(dflt))
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be a time like 21:45');
/** A comma-separated list of whole numbers within a range, deduplicated and sorted. */
export const intList = (min: number, max: number, dflt: string, example: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(dflt)
      .transform((s) =>
        s
          .split(/[,，\s]+/)
          .filter(Boolean)
          .map(Number),
      )
      .refine(
        (ns) => ns.length > 0 && ns.every((n) => Number.isInteger(n) && n >= min && n <= max),
        `must be whole numbers from ${min} to ${max}, e.g. ${example}`,
      )
      .transform((ns) => [...new Set(ns)].sort((a, b) => a - b)),
  );
/** Comma-separated 11-digit mainland mobile numbers. */
export const phoneList = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('')
    .transform((s) => s.split(/[,，\s]+/).filter(Boolean))
    .refine(
      (phones) => phones.every((p) => /^1[3-9]\d{9}$/.test(p)),
      'must be 11-digit mobile numbers separated by commas',
    ),
);
