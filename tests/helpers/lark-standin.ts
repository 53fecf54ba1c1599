import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Lark Open API on 127.0.0.1, answering the calls the bot makes through
 * the real SDK (PLATFORM-NOTES, Lark): the tenant token, send, card PATCH and reply. It records
 * every request with its `content` parsed, and can answer the next send with a 429.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The JSON body as sent. */
  body: Record<string, unknown>;
  /** `body.content` parsed (it is a JSON string on the wire). */
  content?: Record<string, unknown>;
  /** What the stand-in answered. */
  status: number;
  /** message_id given to an accepted send, or the one a PATCH/reply addressed. */
  messageId?: string;
  /** A send whose `uuid` was seen before: answered with the earlier message, nothing sent (as Lark does for an hour). */
  deduplicated?: boolean;
  at: number;
}

export interface StandinOptions {
  appId: string;
  appSecret: string;
}

/** Another Lark service on the same domain (the long-connection endpoint): answers one request. */
export type StandinRoute = (body: Record<string, unknown>, headers: IncomingHttpHeaders) => { status: number; json: unknown };

/** What Lark lists for GET /open-apis/application/v6/scopes: each scope the app's version asks for; 1 granted, 2 not yet. */
export interface StandinScope {
  scope_name: string;
  grant_status: 1 | 2;
}

/** The scopes a correctly set-up app has (docs/deploy.md). */
export const GRANTED_SCOPES: readonly StandinScope[] = [
  { scope_name: 'im:message.p2p_msg:readonly', grant_status: 1 },
  { scope_name: 'im:message.group_at_msg:readonly', grant_status: 1 },
  { scope_name: 'im:message:send_as_bot', grant_status: 1 },
];

export class LarkStandin {
  readonly requests: RecordedRequest[] = [];
  private server!: Server;
  private port = 0;
  private seq = 0;
  private uuids = new Map<string, string>();
  private failNext: { status: number; code: number; msg: string; headers?: Record<string, string> }[] = [];
  private failNextPatches: { status: number; code: number; msg: string }[] = [];
  private limits?: { perSecond: number; perChatPerSecond: number };
  private accepted: { at: number; to: string }[] = [];
  private readonly token = `t-standin-${randomBytes(6).toString('hex')}`;
  private routes = new Map<string, StandinRoute>();
  /** Answered by GET /open-apis/application/v6/scopes. */
  scopes: StandinScope[] = [...GRANTED_SCOPES];
  /** Answered by GET /open-apis/bot/v3/info (activate_status 2: enabled). */
  bot = { open_id: 'ou_standin_bot', app_name: '保安助手', activate_status: 2 };

  private constructor(private readonly opts: StandinOptions) {}

  static async start(opts: StandinOptions): Promise<LarkStandin> {
    const s = new LarkStandin(opts);
    s.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body: Record<string, unknown> = {};
        try {
          body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          body = { unparsable: Buffer.concat(chunks).toString('utf8') };
        }
        const { status, json, headers, messageId, deduplicated } = s.answer(req.method ?? 'GET', url.pathname, url.searchParams, req.headers, body);
        let content: Record<string, unknown> | undefined;
        if (typeof body.content === 'string') {
          try {
            content = JSON.parse(body.content) as Record<string, unknown>;
          } catch {
            content = undefined;
          }
        }
        s.requests.push({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
          content,
          status,
          messageId,
          deduplicated,
          at: Date.now(),
        });
        const data = JSON.stringify(json);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), ...headers });
        res.end(data);
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Serves `method path` with `route`, recorded like any other request. Lark serves more than the
   * Open API on the same domain: the long-connection endpoint (lark-ws-standin.ts) is one.
   */
  serve(method: string, path: string, route: StandinRoute): void {
    this.routes.set(`${method} ${path}`, route);
  }

  /** The next send is answered 429 with `x-ogw-ratelimit-reset: resetSeconds`, as Lark does. */
  rateLimitNextSend(resetSeconds = 1): void {
    this.failNext.push({
      status: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      headers: { 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': String(resetSeconds) },
    });
  }

  /**
   * Enforces Lark's send limits as Lark does: more than `perSecond` sends per app, or
   * `perChatPerSecond` to one chat, within any second are answered 429 (code 99991400).
   */
  enforceLimits(perSecond = 50, perChatPerSecond = 5): void {
    this.limits = { perSecond, perChatPerSecond };
  }

  /** Sends refused with 429 because a limit was exceeded (not the ones asked for with rateLimitNextSend). */
  limitRefusals = 0;

  /** The next send is refused with this Lark code (HTTP 200 with `code != 0` unless `status` says otherwise). */
  failNextSend(code: number, msg: string, status = 200): void {
    this.failNext.push({ status, code, msg });
  }

  /** Every send attempt (POST /messages), answered or refused. */
  sendAttempts(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/open-apis/im/v1/messages');
  }

  /** Messages that were accepted, optionally only those to one chat or person. */
  sent(to?: string): RecordedRequest[] {
    return this.sendAttempts().filter((r) => r.messageId !== undefined && !r.deduplicated && (to === undefined || r.body.receive_id === to));
  }

  /** Text of the accepted text messages to `to`. */
  texts(to?: string): string[] {
    return this.sent(to)
      .filter((r) => r.body.msg_type === 'text')
      .map((r) => String(r.content?.text ?? ''));
  }

  /** Accepted interactive cards to `to`, each with the message id the stand-in gave it. */
  cards(to?: string): { messageId: string; card: Record<string, unknown> }[] {
    return this.sent(to)
      .filter((r) => r.body.msg_type === 'interactive')
      .map((r) => ({ messageId: r.messageId!, card: r.content ?? {} }));
  }

  /** Messages forwarded (POST /messages/:id/forward) and accepted: which message, to whom. */
  forwards(to?: string): { messageId: string; to: string }[] {
    return this.requests
      .filter((r) => r.method === 'POST' && /\/forward$/.test(r.path) && r.messageId !== undefined && !r.deduplicated)
      .map((r) => ({ messageId: r.path.split('/')[5]!, to: String(r.body.receive_id ?? '') }))
      .filter((f) => to === undefined || f.to === to);
  }

  patches(messageId?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'PATCH' && (messageId === undefined || r.messageId === messageId));
  }

  /** The next card update (PATCH) is refused with this Lark code, as Lark does for a card it will not update. */
  failNextPatch(code: number, msg: string, status = 400): void {
    this.failNextPatches.push({ status, code, msg });
  }

  reset(): void {
    this.requests.length = 0;
    this.failNext = [];
    this.failNextPatches = [];
    this.accepted = [];
    this.limits = undefined;
    this.limitRefusals = 0;
  }

  /** Polls `check` until it returns something truthy; fails with `what` after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | null | false, what = 'condition', timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`lark stand-in: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private answer(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Record<string, unknown>,
  ): { status: number; json: unknown; headers?: Record<string, string>; messageId?: string; deduplicated?: boolean } {
    const route = this.routes.get(`${method} ${path}`);
    if (route) return route(body, headers);
    if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
      if (body.app_id !== this.opts.appId || body.app_secret !== this.opts.appSecret) {
        return { status: 200, json: { code: 10014, msg: 'app secret invalid' } };
      }
      return { status: 200, json: { code: 0, msg: 'ok', tenant_access_token: this.token, expire: 7200 } };
    }
    if (headers.authorization !== `Bearer ${this.token}`) {
      return { status: 400, json: { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' } };
    }
    if (method === 'GET' && path === '/open-apis/bot/v3/info') {
      return { status: 200, json: { code: 0, msg: 'ok', bot: { ...this.bot, avatar_url: '', ip_white_list: [] } } };
    }
    if (method === 'GET' && path === '/open-apis/application/v6/scopes') {
      return { status: 200, json: { code: 0, msg: 'success', data: { scopes: this.scopes } } };
    }
    const msgPath = /^\/open-apis\/im\/v1\/messages(?:\/([^/]+)(\/reply|\/forward)?)?$/.exec(path);
    if (!msgPath) return { status: 404, json: { code: 404, msg: 'not found' } };
    const [, id, sub] = msgPath;
    const reply = sub === '/reply' ? sub : undefined;
    if (method === 'POST' && id && sub === '/forward') {
      if (!['chat_id', 'open_id', 'user_id', 'union_id', 'email', 'thread_id'].includes(query.get('receive_id_type') ?? '') || typeof body.receive_id !== 'string') {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: receive_id' } };
      }
      const uuid = query.get('uuid') ?? undefined;
      const earlier = uuid && this.uuids.get(`forward:${uuid}`);
      if (earlier) return { status: 200, messageId: earlier, deduplicated: true, json: { code: 0, msg: 'success', data: { message_id: earlier } } };
      const messageId = `om_standin_${++this.seq}`;
      if (uuid) this.uuids.set(`forward:${uuid}`, messageId);
      return { status: 200, messageId, json: { code: 0, msg: 'success', data: { message_id: messageId, msg_type: 'image' } } };
    }

    if (method === 'POST' && (!id || reply)) {
      if (!id && !['chat_id', 'open_id', 'user_id', 'union_id', 'email'].includes(query.get('receive_id_type') ?? '')) {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: receive_id_type' } };
      }
      if (typeof body.content !== 'string' || typeof body.msg_type !== 'string') {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: content/msg_type' } };
      }
      const uuid = typeof body.uuid === 'string' && body.uuid ? body.uuid : undefined;
      const earlier = uuid && this.uuids.get(uuid);
      if (earlier) return { status: 200, messageId: earlier, deduplicated: true, json: { code: 0, msg: 'success', data: { message_id: earlier } } };
      const failure = this.failNext.shift();
      if (failure) return { status: failure.status, json: { code: failure.code, msg: failure.msg }, headers: failure.headers };
      if (this.limits) {
        const now = Date.now();
        const to = String(body.receive_id ?? '');
        this.accepted = this.accepted.filter((a) => a.at > now - 1000);
        if (this.accepted.length >= this.limits.perSecond || this.accepted.filter((a) => a.to === to).length >= this.limits.perChatPerSecond) {
          this.limitRefusals++;
          return { status: 429, json: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '1' } };
        }
        this.accepted.push({ at: now, to });
      }
      const messageId = `om_standin_${++this.seq}`;
      if (uuid) this.uuids.set(uuid, messageId);
      return {
        status: 200,
        messageId,
        json: {
          code: 0,
          msg: 'success',
          data: {
            message_id: messageId,
            msg_type: body.msg_type,
            chat_id: query.get('receive_id_type') === 'chat_id' ? body.receive_id : 'oc_standin_p2p',
            create_time: String(Date.now()),
            body: { content: body.content },
          },
        },
      };
    }
    if (method === 'PATCH' && id && !reply) {
      if (typeof body.content !== 'string') return { status: 400, json: { code: 99992402, msg: 'field validation failed: content' }, messageId: id };
      const failure = this.failNextPatches.shift();
      if (failure) return { status: failure.status, json: { code: failure.code, msg: failure.msg }, messageId: id };
      return { status: 200, json: { code: 0, msg: 'success', data: {} }, messageId: id };
    }
    return { status: 404, json: { code: 404, msg: 'not found' } };
  }
}

// ─────────────────────────────────────────────────────────────────────────────
// Event payloads, in the shapes Lark sends: recorded fixtures with overrides, then encrypted
// (`{encrypt: base64(iv ‖ AES-256-CBC(key = sha256(encryptKey)))}`) and signed
// (`X-Lark-Signature = sha256(timestamp + nonce + encryptKey + body)`).
// ─────────────────────────────────────────────────────────────────────────────

type Envelope = { schema: string; header: Record<string, unknown>; event: Record<string, unknown> };

export function loadFixture(name: 'im.message.receive_v1' | 'card.action.trigger'): Envelope {
  return JSON.parse(readFileSync(new URL(`../fixtures/lark/${name}.json`, import.meta.url), 'utf8')) as Envelope;
}

let counter = 0;
export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(16)}${(++counter).toString(16).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
}

export interface MessageOverrides {
  token: string;
  openId: string;
  text?: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  messageType?: string;
  /** Raw content string; defaults to `{"text": text}`. */
  content?: string;
  mentions?: { key: string; id: { open_id: string }; name: string }[];
  messageId?: string;
  eventId?: string;
}

/** im.message.receive_v1 as Lark sends it (the plaintext inside `encrypt`). */
export function messageEvent(o: MessageOverrides): Envelope {
  const f = loadFixture('im.message.receive_v1');
  const message = f.event.message as Record<string, unknown>;
  const sender = f.event.sender as { sender_id: Record<string, unknown> };
  f.header.event_id = o.eventId ?? uniqueId('ev');
  f.header.token = o.token;
  f.header.create_time = String(Date.now());
  sender.sender_id.open_id = o.openId;
  message.message_id = o.messageId ?? uniqueId('om_');
  message.chat_id = o.chatId ?? `oc_p2p_${o.openId}`;
  message.chat_type = o.chatType ?? 'p2p';
  message.message_type = o.messageType ?? 'text';
  message.content = o.content ?? JSON.stringify({ text: o.text ?? '' });
  message.create_time = String(Date.now());
  if (o.mentions) message.mentions = o.mentions.map((m) => ({ ...m, tenant_key: '736588c9260f175e' }));
  return f;
}

export interface CardActionOverrides {
  token: string;
  openId: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  messageId: string;
  chatId: string;
  eventId?: string;
}

/** card.action.trigger as Lark sends it for a button click or a form submit. */
export function cardActionEvent(o: CardActionOverrides): Envelope {
  const f = loadFixture('card.action.trigger');
  const operator = f.event.operator as Record<string, unknown>;
  f.header.event_id = o.eventId ?? uniqueId('ev');
  f.header.token = o.token;
  f.header.create_time = String(Date.now() * 1000);
  operator.open_id = o.openId;
  f.event.token = `c-${randomBytes(20).toString('hex')}`;
  f.event.action = o.formValue
    ? { value: o.value, tag: 'button', timezone: 'Asia/Shanghai', name: 'submit', form_value: o.formValue }
    : { value: o.value, tag: 'button', timezone: 'Asia/Shanghai' };
  f.event.context = { open_message_id: o.messageId, open_chat_id: o.chatId };
  return f;
}

export function encryptPayload(payload: unknown, encryptKey: string): string {
  return encryptText(JSON.stringify(payload), encryptKey);
}

/** Encrypts JSON text as it is (for payloads JSON.stringify cannot produce, such as 100,000-deep nesting). */
export function encryptText(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const enc = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, enc]).toString('base64');
}

export function signBody(body: string, encryptKey: string, timestamp = String(Math.floor(Date.now() / 1000)), nonce = randomBytes(8).toString('hex')) {
  const signature = createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}

/** A webhook request exactly as Lark would POST it: `{encrypt}` body and signature headers. */
export function larkRequest(payload: unknown, encryptKey: string, opts: { sign?: boolean } = {}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encryptPayload(payload, encryptKey) });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (opts.sign !== false) Object.assign(headers, signBody(body, encryptKey));
  return { body, headers };
}

/** The first callback button in a rendered Lark card whose value has this action. */
export function findButtonValue(card: Record<string, unknown>, action: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as Record<string, unknown>;
    if (n.tag === 'button' && Array.isArray(n.behaviors)) {
      for (const b of n.behaviors as { type?: string; value?: Record<string, unknown> }[]) {
        if (b.type === 'callback' && b.value?.action === action) {
          found = b.value;
          return;
        }
      }
    }
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

/** Names of the fields of a rendered form card: text inputs and lists to tick (multi_select_static). */
export function formInputNames(card: Record<string, unknown>): string[] {
  return formElements(card)
    .filter((n) => (n.tag === 'input' || n.tag === 'multi_select_static') && typeof n.name === 'string')
    .map((n) => n.name as string);
}

/**
 * The options of a form card's list to tick, as Lark shows them: `{label, value}`. A test submits
 * the values it ticks as an array in form_value (`lark.click(…, { absent: ['1', '3'] })`), as Lark does.
 */
export function tickOptions(card: Record<string, unknown>, name: string): { label: string; value: string; selected: boolean }[] {
  const list = formElements(card).find((n) => n.tag === 'multi_select_static' && n.name === name);
  if (!list) return [];
  const selected = new Set((list.selected_values as string[] | undefined) ?? []);
  return (list.options as { text: { content: string }; value: string }[]).map((o) => ({ label: o.text.content, value: o.value, selected: selected.has(o.value) }));
}

/**
 * The form_value Lark submits for a rendered form card nobody touched: each input's `default_value`
 * and each list's `selected_values` (an array, as Lark sends ticked options), read from the card JSON
 * the bot sent. A test that submits this submits exactly what the bot showed, not its own values.
 */
export function formAsShown(card: Record<string, unknown>): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (const n of formElements(card)) {
    if (typeof n.name !== 'string') continue;
    if (n.tag === 'input') form[n.name] = typeof n.default_value === 'string' ? n.default_value : '';
    else if (n.tag === 'multi_select_static') form[n.name] = Array.isArray(n.selected_values) ? [...(n.selected_values as string[])] : [];
  }
  return form;
}

function formElements(card: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    if (typeof n.tag === 'string') found.push(n);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}
