import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../logger.ts';
import { RateLimitedError } from '../../core/outbox.ts';

/** Open API code for "too many requests" (PLATFORM-NOTES: 429 + code 99991400). */
export const RATE_LIMIT_CODE = 99991400;
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

// ─────────────────────────────────────────────────────────────────────────────
// Outgoing errors: never let an axios error (which carries the bearer token and the request body)
// reach the logs.
// ─────────────────────────────────────────────────────────────────────────────

interface AxiosLike {
  message?: string;
  code?: string;
  response?: { status?: number; headers?: Record<string, unknown> & { get?: (k: string) => unknown }; data?: unknown };
  config?: { url?: string; method?: string };
}

export class LarkApiError extends Error {
  constructor(
    readonly operation: string,
    readonly httpStatus: number | undefined,
    readonly larkCode: number | undefined,
    larkMsg: string | undefined,
  ) {
    super(
      `lark ${operation} failed${httpStatus ? `: HTTP ${httpStatus}` : ''}${larkCode !== undefined ? ` code ${larkCode}` : ''}${larkMsg ? ` (${larkMsg})` : ''}`,
    );
    this.name = 'LarkApiError';
  }
}

function header(res: AxiosLike['response'], name: string): string | undefined {
  const h = res?.headers;
  if (!h) return undefined;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Seconds from `x-ogw-ratelimit-reset`, as milliseconds; Lark's floor when the header is missing. */
export function rateLimitWaitMs(resetHeader: string | undefined): number {
  const s = Number(resetHeader);
  return Number.isFinite(s) && s > 0 ? Math.ceil(s * 1000) : DEFAULT_RATE_LIMIT_WAIT_MS;
}

export function asApiError(operation: string, err: unknown): Error {
  const e = err as AxiosLike;
  if (e?.response?.status === 429) {
    return new RateLimitedError(rateLimitWaitMs(header(e.response, 'x-ogw-ratelimit-reset')), `lark ${operation}: rate limited (429)`);
  }
  const body = (e?.response?.data ?? {}) as { code?: unknown; msg?: unknown };
  if (body.code === RATE_LIMIT_CODE) return new RateLimitedError(DEFAULT_RATE_LIMIT_WAIT_MS, `lark ${operation}: rate limited`);
  if (e?.response) {
    return new LarkApiError(operation, e.response.status, typeof body.code === 'number' ? body.code : undefined, typeof body.msg === 'string' ? body.msg : undefined);
  }
  const reason = [e?.code, e?.message].filter(Boolean).join(' ');
  return new LarkApiError(operation, undefined, undefined, reason || String(err));
}

/** The SDK logs raw axios errors (with the token request's app_secret); this keeps only what is safe. */
function summarize(arg: unknown): unknown {
  if (typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean') return arg;
  if (Array.isArray(arg)) return arg.map(summarize);
  if (arg && typeof arg === 'object') {
    const o = arg as AxiosLike & { msg?: unknown; code?: unknown };
    const data = (o.response?.data ?? {}) as { code?: unknown; msg?: unknown };
    const out: Record<string, unknown> = {};
    if (o.message) out.message = o.message;
    if (o.code !== undefined) out.code = o.code;
    if (typeof o.msg === 'string') out.msg = o.msg;
    if (o.config?.method) out.method = o.config.method;
    if (o.config?.url) out.url = String(o.config.url).split('?')[0];
    if (o.response?.status) out.status = o.response.status;
    if (data.code !== undefined) out.larkCode = data.code;
    if (typeof data.msg === 'string') out.larkMsg = data.msg;
    return out;
  }
  return String(arg);
}

export function sdkLogger(log: Logger): lark.Logger {
  const line = (level: 'warn' | 'info' | 'debug' | 'trace') => (...args: unknown[]) => {
    const parts = args.map(summarize);
    log[level]({ sdk: parts.filter((p) => typeof p === 'object') }, parts.filter((p) => typeof p !== 'object').join(' ') || 'lark sdk');
  };
  // the SDK reports every failed call as an error, including the 429s the outbox retries
  return { error: line('warn'), warn: line('warn'), info: line('debug'), debug: line('trace'), trace: line('trace') };
}
