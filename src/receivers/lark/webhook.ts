import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Lark's bodies are a few KB; anything near this is not an event. */
export const MAX_BODY_BYTES = 1024 * 1024;

// ─────────────────────────────────────────────────────────────────────────────
// Webhook request checks: pure helpers, exported for tests.
// ─────────────────────────────────────────────────────────────────────────────

/** `X-Lark-Signature`: hex sha256 of timestamp + nonce + encryptKey + raw body. */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The verification token of a request: `header.token` in the 2.0 schema, top-level `token` otherwise. */
export function requestToken(payload: Record<string, unknown>): string | undefined {
  const header = payload.header as { token?: unknown } | undefined;
  const token = payload.schema || header ? header?.token : payload.token;
  return typeof token === 'string' ? token : undefined;
}

export function eventType(payload: Record<string, unknown>): string | undefined {
  const header = payload.header as { event_type?: unknown } | undefined;
  const t = header?.event_type ?? (payload.event as { type?: unknown } | undefined)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** The 2.0 envelope as the SDK's dispatcher hands it to handlers: `{...header, ...event}`. */
export function flatten(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...((payload.header as object) ?? {}), ...((payload.event as object) ?? {}) };
}

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}
