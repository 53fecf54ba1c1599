import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../logger.ts';

/** Lark's bodies are a few KB; anything near this is not an event. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A signed request stamped (X-Lark-Request-Timestamp) longer ago than this is refused as a replay.
 * Lark pushes an unanswered event again 15 s, 5 min, 1 h and 6 h later, and does not say whether
 * it signs a redelivery afresh: kept under its original stamp, the last one is some 7 hours old and
 * must still be taken. Within the day a replayed request reaches the inbox, whose event-id dedupe
 * (kept 14 days: housekeeping) answers it once.
 */
export const MAX_REQUEST_AGE_MS = 24 * 3600_000;
/** Lark never stamps ahead of time: a stamp further ahead of our clock than drift explains is refused. */
export const MAX_REQUEST_AHEAD_MS = 3600_000;

export type WebhookReply = { status: number; body: unknown };

export interface WebhookSecrets {
  encryptKey?: string;
  verificationToken?: string;
}

/**
 * The authenticated, decrypted payload of a POST /lark/events, or the reply that refuses it.
 * Checks, in order: size (413), JSON (400), signature and its timestamp when an encrypt key is set
 * (401), decryption (400), verification token (401).
 */
export async function readWebhook(
  req: IncomingMessage,
  opts: WebhookSecrets,
  log: Logger,
): Promise<{ payload: Record<string, unknown> } | { refused: WebhookReply }> {
  const reject = (status: number, reason: string) => {
    log.warn({ status, reason }, 'lark webhook request refused');
    return { refused: { status, body: { error: reason } } };
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return reject(413, 'body too large');
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLarge) return reject(413, 'body too large');
    throw err;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return reject(400, 'body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return reject(400, 'body is not a JSON object');

  let payload = body as Record<string, unknown>;
  if (opts.encryptKey) {
    const ts = headerValue(req, 'x-lark-request-timestamp');
    const nonce = headerValue(req, 'x-lark-request-nonce');
    const signature = headerValue(req, 'x-lark-signature');
    const signed = Boolean(ts && nonce && signature);
    if (signed && !safeEqual(larkSignature(ts!, nonce!, opts.encryptKey, raw), signature!.toLowerCase())) {
      return reject(401, 'signature mismatch');
    }
    if (signed && !stampAccepted(ts!, Date.now())) return reject(401, 'timestamp outside the accepted window');
    if (typeof payload.encrypt !== 'string' || !payload.encrypt) return reject(400, 'encrypted body expected');
    try {
      const plain = JSON.parse(new lark.AESCipher(opts.encryptKey).decrypt(payload.encrypt)) as unknown;
      if (!plain || typeof plain !== 'object' || Array.isArray(plain))
        return reject(400, 'decrypted body is not a JSON object');
      payload = plain as Record<string, unknown>;
    } catch {
      return reject(400, 'body could not be decrypted');
    }
    // Lark does not sign the URL-verification request (the official Go SDK skips the check for
    // it too); being able to decrypt it and the token below are what prove it is Lark's.
    if (!signed && payload.type !== 'url_verification') return reject(401, 'signature headers missing');
  }

  const token = requestToken(payload);
  if (!opts.verificationToken) {
    log.error('LARK_VERIFICATION_TOKEN is not set: webhook requests cannot be verified and are refused');
    return reject(401, 'no verification token configured');
  }
  if (!token || !safeEqual(token, opts.verificationToken)) return reject(401, 'verification token mismatch');
  return { payload };
}

/** Lark's request timestamp is in seconds. */
function stampAccepted(ts: string, nowMs: number): boolean {
  const age = nowMs - Number(ts) * 1000;
  return Number.isFinite(age) && age <= MAX_REQUEST_AGE_MS && -age <= MAX_REQUEST_AHEAD_MS;
}

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
