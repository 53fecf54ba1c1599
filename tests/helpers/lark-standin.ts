import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Upload, UploadStandin } from './lark-upload-standin.ts';

/**
 * A local stand-in for the Lark Open API on 127.0.0.1, answering the calls the bot makes through
 * the real SDK (PLATFORM-NOTES, Lark): the tenant token, send, card PATCH and reply. It records
 * every request with its `content` parsed, and refuses what Lark refuses, with Lark's codes:
 *
 * - a card (or `post`) request body over 30 KB, a text one over 150 KB: 400, 230025 (发送消息 /
 *   更新应用发送的消息卡片, 错误码: "The length of the message content reaches its limit.");
 * - a `uuid` over 50 characters (发送消息, uuid: "最大长度：50 字符"): 400, 99992402;
 * - a PATCH of a message this app did not send (230001), of one that is not a card (230001,
 *   "This message is NOT a card", as go-lark/lark#48 quotes it), of a card without
 *   `config.update_multi: true` before or after (the PATCH doc: "需在更新前后卡片的 config 属性中，
 *   均显式声明 update_multi:true"; no dedicated code is documented, 230001 is the parameter error),
 *   of one sent more than 14 days ago (230031), more than 5 a second on one message (230020);
 * - uploads of files and pictures as Lark refuses them (lark-upload-standin.ts), and a `file` or
 *   `image` message whose key was not uploaded;
 * - with `enforceLimits`, the send limits: 50/s and 1,000/min per app (HTTP 429, 99991400 and
 *   `x-ogw-ratelimit-reset`, 频控策略), 5/s per chat or person (HTTP 400, 230020, 发送消息 使用限制);
 * - a card whose `chart` element is not as documented (图表组件, JSON 2.0 结构: `chart_spec` a VChart
 *   spec with `type` and `data`; `aspect_ratio` 1:1, 2:1, 4:3 or 16:9; a 2.0 card refuses properties
 *   it does not know), a chart outside a `schema: '2.0'` card, or more than five charts in one card
 *   (单张卡片建议最多放置五个图表组件): 400, 230099 (the card content could not be created).
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
  /** A send whose `uuid` was seen within the hour: answered with the earlier message, nothing sent (as Lark does). */
  deduplicated?: boolean;
  at: number;
}

export interface StandinOptions {
  appId: string;
  appSecret: string;
}

/** Lark's documented limits (see the header), as the stand-in enforces them. */
export const LARK_LIMITS_DOC = {
  /** 卡片消息、富文本消息请求体最大不能超过 30 KB. */
  cardBodyBytes: 30 * 1024,
  /** 文本消息请求体最大不能超过 150 KB. */
  textBodyBytes: 150 * 1024,
  uuidChars: 50,
  /** A repeated `uuid` is dropped only within an hour of the first send (发送消息, uuid; PLATFORM-NOTES). */
  uuidDedupeMs: 3600_000,
  /** 仅支持更新 14 天内发送的消息. */
  patchWithinMs: 14 * 24 * 3600_000,
  /** 单条消息更新频控为 5 QPS. */
  patchesPerMessagePerSecond: 5,
} as const;

const TOO_LONG = { code: 230025, msg: 'The length of the message content reaches its limit.' };
const FREQUENCY = { code: 230020, msg: 'This operation triggers the frequency limit.' };
const APP_FREQUENCY = { code: 99991400, msg: 'request trigger frequency limit' };

interface SentMessage {
  msgType: string;
  updateMulti: boolean;
  at: number;
  patchedAt: number[];
}

interface Window {
  cap: number;
  ms: number;
  at: number[];
}

/** Another Lark service on the same domain (the long-connection endpoint): answers one request. */
export type StandinRoute = (
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
) => { status: number; json: unknown };

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
  /** uuid → the message it sent and when: a repeat is dropped only within LARK_LIMITS_DOC.uuidDedupeMs. */
  private uuids = new Map<string, { messageId: string; at: number }>();
  private failNext: { status: number; code: number; msg: string; headers?: Record<string, string> }[] = [];
  private failNextPatches: { status: number; code: number; msg: string }[] = [];
  private limits?: { app: Window[]; chat: { cap: number; ms: number } };
  private perChat = new Map<string, number[]>();
  /** Every message this app sent, by id: what a PATCH is checked against. Survives reset(), as Lark's do. */
  private messages = new Map<string, SentMessage>();
  private readonly token = `t-standin-${randomBytes(6).toString('hex')}`;
  private routes = new Map<string, StandinRoute>();
  /** What was uploaded (files and pictures), kept like the messages: reset() leaves them. */
  readonly uploads = new UploadStandin();
  /** Answered by GET /open-apis/application/v6/scopes. */
  scopes: StandinScope[] = [...GRANTED_SCOPES];
  /** Answered by GET /open-apis/bot/v3/info (activate_status 2: enabled). */
  bot = { open_id: 'ou_standin_bot', app_name: '保安助手', activate_status: 2 };
  /** The next this many bot-info requests are refused (HTTP 500 or a Lark code), as when Lark is unreachable. */
  failBotInfo = 0;
  /** How those are refused: HTTP 500 (the SDK throws) or 200 with this Lark code. */
  failBotInfoWith: { status: number; code: number } = { status: 500, code: 99991001 };
  /** A mention of this bot as Lark lists it in `message.mentions` (key `@_user_N`). */
  mention(n = 1): { key: string; id: { open_id: string }; name: string } {
    return { key: `@_user_${n}`, id: { open_id: this.bot.open_id }, name: this.bot.app_name };
  }

  private constructor(private readonly opts: StandinOptions) {}

  static async start(opts: StandinOptions): Promise<LarkStandin> {
    const s = new LarkStandin(opts);
    s.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body: Record<string, unknown> = {};
        const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
        try {
          // an upload's body is binary: uploads.ts reads it from the raw bytes
          body = multipart
            ? { multipart: true }
            : chunks.length
              ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
              : {};
        } catch {
          body = { unparsable: Buffer.concat(chunks).toString('utf8') };
        }
        const raw = Buffer.concat(chunks);
        const { status, json, headers, messageId, deduplicated } = s.answer(
          req.method ?? 'GET',
          url.pathname,
          url.searchParams,
          req.headers,
          body,
          raw.length,
          raw,
        );
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
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(data),
          ...headers,
        });
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
   * Enforces Lark's send limits as Lark does ("请求速率达到任意上限（QPS 或 QPM）都会触发限流"):
   * more than `perSecond` sends per app within any second, or `perMinute` within any `minuteMs`,
   * are answered 429 with code 99991400 and `x-ogw-ratelimit-reset` (seconds until the window has
   * room); more than `perChatPerSecond` to one chat or person within a second are answered 400 with
   * code 230020. A test may shorten the minute (`minuteMs`) to see that window without waiting one.
   */
  enforceLimits(perSecond = 50, perChatPerSecond = 5, perMinute = 1000, minuteMs = 60_000): void {
    this.limits = {
      app: [
        { cap: perSecond, ms: 1000, at: [] },
        { cap: perMinute, ms: minuteMs, at: [] },
      ],
      chat: { cap: perChatPerSecond, ms: 1000 },
    };
    this.perChat.clear();
  }

  /** Sends refused because a limit was exceeded (not the ones asked for with rateLimitNextSend). */
  limitRefusals = 0;
  /** Of those, the ones refused by the per-app windows (99991400) and by the per-chat one (230020). */
  appLimitRefusals = 0;
  chatLimitRefusals = 0;

  /** Makes a message sent by the bot `ms` older, as if it had been sent then (for the 14-day PATCH window). */
  backdate(messageId: string, ms: number): void {
    const m = this.messages.get(messageId);
    if (!m) throw new Error(`lark stand-in: no message ${messageId}`);
    m.at -= ms;
  }

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
    return this.sendAttempts().filter(
      (r) => r.messageId !== undefined && !r.deduplicated && (to === undefined || r.body.receive_id === to),
    );
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

  /** Accepted `file` and `image` messages to `to`, each with what was uploaded under its key. */
  files(to?: string): { msgType: string; upload: Upload }[] {
    return this.sent(to)
      .filter((r) => r.body.msg_type === 'file' || r.body.msg_type === 'image')
      .map((r) => ({
        msgType: String(r.body.msg_type),
        upload: this.uploads.byKey(String(r.content?.file_key ?? r.content?.image_key))!,
      }));
  }

  /** Upload requests (im/v1/files, im/v1/images), answered or refused. */
  uploadAttempts(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/open-apis/im/v1/files' || r.path === '/open-apis/im/v1/images');
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

  /** Forgets the recorded requests and the test's instructions; the messages sent stay (they stay on Lark too). */
  reset(): void {
    this.requests.length = 0;
    this.failNext = [];
    this.failNextPatches = [];
    this.limits = undefined;
    this.perChat.clear();
    this.limitRefusals = 0;
    this.appLimitRefusals = 0;
    this.chatLimitRefusals = 0;
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

  /** The message an earlier send with this uuid made within the hour (Lark sends a later repeat anew). */
  private earlierSend(uuid: string): string | undefined {
    const earlier = this.uuids.get(uuid);
    return earlier && Date.now() - earlier.at < LARK_LIMITS_DOC.uuidDedupeMs ? earlier.messageId : undefined;
  }

  /** Why Lark would refuse this PATCH of `id`, or undefined when it would update the card. */
  private patchRefusal(id: string, content: string, bodyBytes: number): { code: number; msg: string } | undefined {
    const sent = this.messages.get(id);
    if (!sent)
      return {
        code: 230001,
        msg: 'Your request contains an invalid request parameter, ext=the message was not sent by this app',
      };
    if (sent.msgType !== 'interactive')
      return {
        code: 230001,
        msg: 'Your request contains an invalid request parameter, ext=This message is NOT a card',
      };
    if (!sent.updateMulti || !updateMulti(content)) {
      return {
        code: 230001,
        msg: 'Your request contains an invalid request parameter, ext=only a shared card (config.update_multi: true before and after) can be updated',
      };
    }
    const now = Date.now();
    if (now - sent.at > LARK_LIMITS_DOC.patchWithinMs) {
      return {
        code: 230031,
        msg: 'Message has expired when updating message, ext=Message can only be updated within fourteen days.',
      };
    }
    if (bodyBytes > LARK_LIMITS_DOC.cardBodyBytes) return TOO_LONG;
    const badChart = chartProblem(content);
    if (badChart) return { code: 230099, msg: `Failed to create card content, ext=${badChart}` };
    sent.patchedAt = sent.patchedAt.filter((t) => t > now - 1000);
    if (sent.patchedAt.length >= LARK_LIMITS_DOC.patchesPerMessagePerSecond) return FREQUENCY;
    sent.patchedAt.push(now);
    return undefined;
  }

  /** The refusal for a send over one of the enforced limits, or undefined (and the send is counted). */
  private overLimit(to: string): { status: number; json: unknown; headers?: Record<string, string> } | undefined {
    const limits = this.limits!;
    const now = Date.now();
    for (const w of limits.app) w.at = w.at.filter((t) => t > now - w.ms);
    const full = limits.app.filter((w) => w.at.length >= w.cap);
    if (full.length) {
      this.limitRefusals++;
      this.appLimitRefusals++;
      const resetMs = Math.max(...full.map((w) => w.at[w.at.length - w.cap]! + w.ms - now));
      const headers = {
        'x-ogw-ratelimit-limit': String(full[0]!.cap),
        'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
      };
      return { status: 429, json: APP_FREQUENCY, headers };
    }
    const chat = (this.perChat.get(to) ?? []).filter((t) => t > now - limits.chat.ms);
    if (chat.length >= limits.chat.cap) {
      this.perChat.set(to, chat);
      this.limitRefusals++;
      this.chatLimitRefusals++;
      return { status: 400, json: FREQUENCY };
    }
    chat.push(now);
    this.perChat.set(to, chat);
    for (const w of limits.app) w.at.push(now);
    return undefined;
  }

  private answer(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Record<string, unknown>,
    bodyBytes: number,
    raw: Buffer = Buffer.alloc(0),
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
      return {
        status: 400,
        json: {
          code: 99991663,
          msg: 'Invalid access token for authorization. Please make a request with token attached.',
        },
      };
    }
    if (method === 'GET' && path === '/open-apis/bot/v3/info') {
      if (this.failBotInfo > 0) {
        this.failBotInfo--;
        return {
          status: this.failBotInfoWith.status,
          json: { code: this.failBotInfoWith.code, msg: 'internal error' },
        };
      }
      return { status: 200, json: { code: 0, msg: 'ok', bot: { ...this.bot, avatar_url: '', ip_white_list: [] } } };
    }
    if (method === 'GET' && path === '/open-apis/application/v6/scopes') {
      return { status: 200, json: { code: 0, msg: 'success', data: { scopes: this.scopes } } };
    }
    const uploaded = this.uploads.answer(method, path, headers, raw);
    if (uploaded) return uploaded;
    const msgPath = /^\/open-apis\/im\/v1\/messages(?:\/([^/]+)(\/reply|\/forward)?)?$/.exec(path);
    if (!msgPath) return { status: 404, json: { code: 404, msg: 'not found' } };
    const [, id, sub] = msgPath;
    const reply = sub === '/reply' ? sub : undefined;
    if (method === 'POST' && id && sub === '/forward') {
      if (
        !['chat_id', 'open_id', 'user_id', 'union_id', 'email', 'thread_id'].includes(
          query.get('receive_id_type') ?? '',
        ) ||
        typeof body.receive_id !== 'string'
      ) {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: receive_id' } };
      }
      const uuid = query.get('uuid') ?? undefined;
      const earlier = uuid && this.earlierSend(`forward:${uuid}`);
      if (earlier)
        return {
          status: 200,
          messageId: earlier,
          deduplicated: true,
          json: { code: 0, msg: 'success', data: { message_id: earlier } },
        };
      const messageId = `om_standin_${++this.seq}`;
      if (uuid) this.uuids.set(`forward:${uuid}`, { messageId, at: Date.now() });
      return {
        status: 200,
        messageId,
        json: { code: 0, msg: 'success', data: { message_id: messageId, msg_type: 'image' } },
      };
    }

    if (method === 'POST' && (!id || reply)) {
      if (!id && !['chat_id', 'open_id', 'user_id', 'union_id', 'email'].includes(query.get('receive_id_type') ?? '')) {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: receive_id_type' } };
      }
      if (typeof body.content !== 'string' || typeof body.msg_type !== 'string') {
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: content/msg_type' } };
      }
      if (typeof body.uuid === 'string' && Array.from(body.uuid).length > LARK_LIMITS_DOC.uuidChars) {
        return {
          status: 400,
          json: {
            code: 99992402,
            msg: `field validation failed: uuid is longer than ${LARK_LIMITS_DOC.uuidChars} characters`,
          },
        };
      }
      if (bodyBytes > maxBodyBytes(body.msg_type)) return { status: 400, json: TOO_LONG };
      const badChart = body.msg_type === 'interactive' ? chartProblem(body.content) : undefined;
      if (badChart)
        return { status: 400, json: { code: 230099, msg: `Failed to create card content, ext=${badChart}` } };
      const unknownKey = this.uploads.refusal(body.msg_type, body.content);
      if (unknownKey) return { status: 400, json: unknownKey };
      const uuid = typeof body.uuid === 'string' && body.uuid ? body.uuid : undefined;
      const earlier = uuid && this.earlierSend(uuid);
      if (earlier)
        return {
          status: 200,
          messageId: earlier,
          deduplicated: true,
          json: { code: 0, msg: 'success', data: { message_id: earlier } },
        };
      const failure = this.failNext.shift();
      if (failure)
        return { status: failure.status, json: { code: failure.code, msg: failure.msg }, headers: failure.headers };
      if (this.limits) {
        const refused = this.overLimit(String(body.receive_id ?? ''));
        if (refused) return refused;
      }
      const messageId = `om_standin_${++this.seq}`;
      if (uuid) this.uuids.set(uuid, { messageId, at: Date.now() });
      this.messages.set(messageId, {
        msgType: body.msg_type,
        updateMulti: updateMulti(body.content),
        at: Date.now(),
        patchedAt: [],
      });
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
      if (typeof body.content !== 'string')
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: content' }, messageId: id };
      const failure = this.failNextPatches.shift();
      if (failure) return { status: failure.status, json: { code: failure.code, msg: failure.msg }, messageId: id };
      const refusal = this.patchRefusal(id, body.content, bodyBytes);
      if (refusal) return { status: 400, json: refusal, messageId: id };
      return { status: 200, json: { code: 0, msg: 'success', data: {} }, messageId: id };
    }
    return { status: 404, json: { code: 404, msg: 'not found' } };
  }
}

const CHART_KEYS = new Set([
  'tag',
  'chart_spec',
  'aspect_ratio',
  'color_theme',
  'preview',
  'height',
  'margin',
  'element_id',
]);
const CHART_RATIOS = new Set(['1:1', '2:1', '4:3', '16:9']);

/** Why Lark would refuse the chart elements of a card's content (see the header), or undefined. */
export function chartProblem(content: string): string | undefined {
  let card: Record<string, unknown>;
  try {
    card = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const charts = allTags(card).filter((n) => n.tag === 'chart');
  if (!charts.length) return undefined;
  if (card.schema !== '2.0') return 'the chart component needs a JSON 2.0 card';
  if (charts.length > 5) return `${charts.length} charts in one card, at most 5`;
  for (const c of charts) {
    const unknown = Object.keys(c).filter((k) => !CHART_KEYS.has(k));
    if (unknown.length) return `chart: unknown property ${unknown.join(', ')}`;
    if (c.aspect_ratio !== undefined && !CHART_RATIOS.has(String(c.aspect_ratio)))
      return `chart: aspect_ratio ${String(c.aspect_ratio)}`;
    const spec = c.chart_spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return 'chart: chart_spec is required';
    if (typeof spec.type !== 'string') return 'chart: chart_spec.type is required';
    const data = spec.data as { values?: unknown } | { values?: unknown }[] | undefined;
    const sets = Array.isArray(data) ? data : data ? [data] : [];
    if (!sets.length || sets.some((d) => !Array.isArray(d.values))) return 'chart: chart_spec.data needs values';
    if (JSON.stringify(spec).includes('function')) return 'chart: chart_spec runs no JavaScript';
  }
  return undefined;
}

/** Every element with a tag, outside a chart's own spec. */
function allTags(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as Record<string, unknown>;
    if (typeof n.tag === 'string') found.push(n);
    for (const [k, v] of Object.entries(n)) if (k !== 'chart_spec') walk(v);
  };
  walk(card);
  return found;
}

function maxBodyBytes(msgType: unknown): number {
  return msgType === 'text' ? LARK_LIMITS_DOC.textBodyBytes : LARK_LIMITS_DOC.cardBodyBytes;
}

/** Whether a card's JSON declares `config.update_multi: true` (a shared card, which PATCH may update). */
function updateMulti(content: string): boolean {
  try {
    return (JSON.parse(content) as { config?: { update_multi?: unknown } }).config?.update_multi === true;
  } catch {
    return false;
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

export function signBody(
  body: string,
  encryptKey: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
  nonce = randomBytes(8).toString('hex'),
) {
  const signature = createHash('sha256')
    .update(timestamp + nonce + encryptKey + body)
    .digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}

/** A webhook request exactly as Lark would POST it: `{encrypt}` body and signature headers. */
export function larkRequest(
  payload: unknown,
  encryptKey: string,
  opts: { sign?: boolean } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encryptPayload(payload, encryptKey) });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (opts.sign !== false) Object.assign(headers, signBody(body, encryptKey));
  return { body, headers };
}

/** The first callback button in a rendered Lark card whose value has this action. */
/** The button element (JSON 2.0) whose callback carries `action`, e.g. to read its `confirm` dialog. */
export function findButton(card: Record<string, unknown>, action: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as Record<string, unknown>;
    if (
      n.tag === 'button' &&
      Array.isArray(n.behaviors) &&
      (n.behaviors as { value?: { action?: unknown } }[]).some((b) => b.value?.action === action)
    ) {
      found = n;
      return;
    }
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

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
export function tickOptions(
  card: Record<string, unknown>,
  name: string,
): { label: string; value: string; selected: boolean }[] {
  const list = formElements(card).find((n) => n.tag === 'multi_select_static' && n.name === name);
  if (!list) return [];
  const selected = new Set((list.selected_values as string[] | undefined) ?? []);
  return (list.options as { text: { content: string }; value: string }[]).map((o) => ({
    label: o.text.content,
    value: o.value,
    selected: selected.has(o.value),
  }));
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
    else if (n.tag === 'multi_select_static')
      form[n.name] = Array.isArray(n.selected_values) ? [...(n.selected_values as string[])] : [];
  }
  return form;
}

function formElements(card: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as Record<string, unknown>;
    if (typeof n.tag === 'string') found.push(n);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

// ─────────────────────────────────────────────────────────────────────────────
// A card as a person sees it in Lark: what the text says once Lark has rendered it, so a test can
// check what a person reads, not the JSON that was sent.
// ─────────────────────────────────────────────────────────────────────────────

/**
 * A JSON 2.0 card rendered to the text a person reads, one line per line: the header title, each
 * markdown element rendered as Lark renders it (see `renderMarkdown`), plain text as it is, inputs
 * as `label: [value]`, lists to tick as `label: [ticked…]`, buttons as `[text]`.
 */
export function renderedText(card: Record<string, unknown>): string {
  const out: string[] = [];
  const plain = (t: unknown): string => String((t as { content?: unknown } | undefined)?.content ?? '');
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    const n = node as Record<string, unknown>;
    switch (n.tag) {
      case 'markdown':
        out.push(...renderMarkdown(String(n.content ?? '')).split('\n'));
        return;
      case 'plain_text':
        out.push(String(n.content ?? ''));
        return;
      case 'input':
        out.push(`${plain(n.label)}: [${String(n.default_value ?? '')}]`);
        return;
      case 'multi_select_static': {
        const ticked = new Set((n.selected_values as string[] | undefined) ?? []);
        const labels = ((n.options as { text: unknown; value: string }[] | undefined) ?? [])
          .filter((o) => ticked.has(o.value))
          .map((o) => plain(o.text));
        out.push(`${plain(n.placeholder)}: [${labels.join('、')}]`);
        return;
      }
      case 'button':
        out.push(`[${plain(n.text)}]`);
        return;
      case 'chart': {
        const title = ((n.chart_spec as { title?: { text?: unknown } } | undefined)?.title?.text ?? '') as string;
        out.push(`[图表：${title}]`);
        return;
      }
      case 'collapsible_panel':
        walk((n.header as { title?: unknown } | undefined)?.title);
        walk(n.elements);
        return;
      default:
        for (const key of ['header', 'title', 'body', 'elements', 'columns']) if (key in n) walk(n[key]);
    }
  };
  walk(card.header);
  walk(card.body);
  return out.join('\n');
}

const ENTITIES: Record<string, string> = {
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  sim: '∼',
};

/**
 * Card markdown as Lark shows it: tags it knows (`<font>`, `<text_tag>`, `<a>`, `<link>`, `<at>`,
 * `<br>`) give their text, `**bold**`, `*italic*`, `~~struck~~`, `` `code` `` and `[text](url)`
 * their text, and HTML entities (`&#42;`, `&lt;`…) the character, decoded last, so an escaped
 * character never becomes markup. A backslash is shown as it is: Lark's rich-text docs escape
 * special characters with HTML entities, not backslashes ("需要对特殊字符进行 HTML 转义，才可正常展示"),
 * so a card that relied on backslashes shows them.
 */
export function renderMarkdown(md: string): string {
  return md
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<at\b[^>]*\bid=['"]?([^'" >]+)['"]?[^>]*><\/at>/gi, '@$1')
    .replace(/<(font|text_tag|a|link)\b[^>]*>([\s\S]*?)<\/\1>/gi, '$2')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '$1')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/\*([^\s*](?:[^*\n]*?[^\s*])?)\*/g, '$1')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#')
        return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}
