import type * as lark from '@larksuiteoapi/node-sdk';
import { RateLimitedError } from '../../core/outbox.ts';
import type { Logger } from '../../logger.ts';

/** Open API code for "too many requests" for the app (频控策略: HTTP 429, or 400 on older APIs). */
export const RATE_LIMIT_CODE = 99991400;
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

/**
 * Every code Lark answers a frequency limit with, each meaning "wait and send again" (never "give
 * up"): 99991400, the app's limit of an API (频控策略, "request trigger frequency limit", with
 * `x-ogw-ratelimit-reset`); 230020, "This operation triggers the frequency limit." — the 5 QPS to
 * one person or one group of 发送消息, and the 5 QPS on one message of 更新应用发送的消息卡片, both
 * answered HTTP 400 without a reset header; 11232, the throttling 频控策略 says comes "因系统压力"
 * (at busy times such as 10:00 or 17:30).
 */
export const FREQUENCY_LIMIT_CODES: ReadonlySet<number> = new Set([RATE_LIMIT_CODE, 230020, 11232]);

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
  const body = (e?.response?.data ?? {}) as { code?: unknown; msg?: unknown };
  if (e?.response?.status === 429 || (typeof body.code === 'number' && FREQUENCY_LIMIT_CODES.has(body.code))) {
    const code = typeof body.code === 'number' ? ` code ${body.code}` : '';
    return new RateLimitedError(
      rateLimitWaitMs(header(e.response, 'x-ogw-ratelimit-reset')),
      `lark ${operation}: rate limited (HTTP ${e.response?.status}${code})`,
    );
  }
  if (e?.response) {
    return new LarkApiError(
      operation,
      e.response.status,
      typeof body.code === 'number' ? body.code : undefined,
      typeof body.msg === 'string' ? body.msg : undefined,
    );
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
  const line =
    (level: 'warn' | 'info' | 'debug' | 'trace') =>
    (...args: unknown[]) => {
      const parts = args.map(summarize);
      log[level](
        { sdk: parts.filter((p) => typeof p === 'object') },
        parts.filter((p) => typeof p !== 'object').join(' ') || 'lark sdk',
      );
    };
  // the SDK reports every failed call as an error, including the 429s the outbox retries
  return { error: line('warn'), warn: line('warn'), info: line('debug'), debug: line('trace'), trace: line('trace') };
}
