import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import protobuf from 'protobufjs';
import { type LarkStandin, uniqueId } from './lark-standin.ts';

/**
 * A local stand-in for Lark's long connection (事件与回调 → 使用长连接接收事件/回调), the way the
 * SDK's `WSClient` meets it:
 *
 * 1. `POST {domain}/callback/ws/endpoint` with `{AppID, AppSecret}` (served on the Open API
 *    stand-in, the same domain as in production) answers `{code: 0, data: {URL, ClientConfig}}`;
 *    a wrong app id or secret is refused (code 514, auth failed, a code the SDKs do not retry), and
 *    a 51st connection too (1000040350: Lark allows 50 per app).
 * 2. The client opens the WebSocket `URL` (a ticket in it works once), here on a second server
 *    standing in for Lark's frontier host.
 * 3. Both sides speak protobuf `pbbp2.Frame`s. Control frames (method 0): the client pings, the
 *    server pongs with the ClientConfig as JSON. Data frames (method 1): the server pushes each
 *    event as headers `type: event`, `message_id`, `sum`, `seq`, `trace_id` and a JSON payload,
 *    split into `sum` fragments when long; the client merges them by message_id and ACKs with the
 *    same frame carrying `{code, data: base64(JSON of the handler's return)}`. A card callback
 *    (`card.action.trigger`) is an event frame like any other when the app's callback subscription
 *    uses the long connection; its toast/card travels back in that ACK's `data`.
 *
 * Lark wants the ACK within 3 s and with code 200 ("3 秒内处理完成且不抛出异常"), or it pushes the
 * event again; this stand-in records each ACK with its delay and lets the test push again.
 * Payloads are plain JSON, as Lark sends them on this channel (no encrypt key, no signature).
 */

// pbbp2.proto as Lark's SDKs carry it (oapi-sdk-go ws/pbbp2.proto; node-sdk's generated pbbp2.Frame)
const PBBP2 = `
syntax = "proto2";
package pbbp2;
message Header {
  required string key = 1;
  required string value = 2;
}
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
// The SDK switches protobufjs (one shared copy) to plain numbers for 64-bit fields when it loads; a
// type parsed before that would expect Long objects and break. Do as the SDK does, whatever loads first.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();
const Frame = protobuf.parse(PBBP2, { keepCase: true }).root.lookupType('pbbp2.Frame');

const CONTROL = 0;
const DATA = 1;
/** Lark's answer deadline for an event or a card callback. */
export const ACK_DEADLINE_MS = 3000;
/** Connections Lark allows one app. */
export const MAX_CONNECTIONS = 50;

export interface WireFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

export function encodeFrame(f: WireFrame): Uint8Array {
  return Frame.encode(Frame.fromObject(f)).finish();
}

export function decodeFrame(bytes: Uint8Array): WireFrame {
  const o = Frame.toObject(Frame.decode(bytes), { longs: Number, defaults: true }) as WireFrame;
  return { ...o, headers: o.headers ?? [] };
}

const header = (f: WireFrame, key: string) => f.headers.find((h) => h.key === key)?.value;

/** What Lark's ClientConfig says (seconds): ping cadence and how the client reconnects. */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

// `ws` has no types installed; the WebSocket server is the copy the SDK itself loads
interface WsSocket {
  readonly readyState: number;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(): void;
}
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@larksuiteoapi/node-sdk'));
const { WebSocketServer } = sdkRequire('ws') as { WebSocketServer: new (opts: { noServer: true }) => WsServer };

export interface WsConnection {
  /** device_id in the URL: which client this is. */
  id: string;
  serviceId: number;
  openedAt: number;
  pings: number;
  socket: WsSocket;
}

export interface WsAck {
  /** The frame's message_id header (one per pushed event, shared by its fragments). */
  messageId: string;
  connection: string;
  /** HTTP-like status the client reports: 200 handled, 500 the handler threw. */
  code: number;
  /** The handler's return, decoded from base64 JSON (a card callback's toast/card); undefined when it returned nothing. */
  data?: unknown;
  /** From the push to the ACK. */
  ms: number;
  /** Later than Lark waits: Lark would have shown the clicker an error and pushed the event again. */
  late: boolean;
  frame: WireFrame;
}

export interface PushOptions {
  /** Split the payload into this many fragments (default: by `fragmentBytes`, else one frame). */
  fragments?: number;
  /** Send the fragments last first (the client must merge by seq, not arrival). */
  reverse?: boolean;
  /** Which connection gets it: an index into `connections()`, or 'random' as Lark picks (default: the oldest). */
  to?: number | 'random';
  /** Give up waiting for the ACK after this long (default 10 s); the result is then `undefined`. */
  waitMs?: number;
}

export interface WsStandinOptions {
  appId: string;
  appSecret: string;
  /** Fragment every pushed payload longer than this into pieces of this size. */
  fragmentBytes?: number;
  clientConfig?: Partial<ClientConfig>;
}

export class LarkWsStandin {
  /** Every endpoint call, with how it was answered. */
  readonly endpointCalls: { appId: unknown; code: number }[] = [];
  readonly acks: WsAck[] = [];
  /** Handshakes refused (no or a used ticket). */
  refusedHandshakes = 0;
  /** While false, pings go unanswered (a frontier that stopped talking). */
  answerPings = true;
  private server!: Server;
  private wss!: WsServer;
  private port = 0;
  private open: WsConnection[] = [];
  private tickets = new Map<string, { deviceId: string; serviceId: number }>();
  private pushedAt = new Map<string, number>();
  private waiting = new Map<string, (ack: WsAck) => void>();
  private seq = 0;
  private config: ClientConfig;

  private constructor(private readonly opts: WsStandinOptions) {
    // Lark's real values are 120 s between pings and a reconnect within 30 s; tests reconnect at once
    this.config = {
      PingInterval: 120,
      ReconnectCount: -1,
      ReconnectInterval: 1,
      ReconnectNonce: 0,
      ...opts.clientConfig,
    };
  }

  /** Serves the endpoint call on `api` (the Open API stand-in, the bot's LARK_DOMAIN) and the WebSocket on a port of its own. */
  static async start(api: LarkStandin, opts: WsStandinOptions): Promise<LarkWsStandin> {
    const s = new LarkWsStandin(opts);
    s.wss = new WebSocketServer({ noServer: true });
    s.server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    s.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => s.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    s.port = (s.server.address() as AddressInfo).port;
    api.serve('POST', '/callback/ws/endpoint', (body) => s.endpoint(body));
    return s;
  }

  /**
   * Open connections that have pinged, oldest first. The SDK attaches its frame handler a moment
   * after the socket opens, and its first ping goes out on open: a frame pushed before that ping
   * arrives may find no handler (the SDK drops it, and Lark would push it again).
   */
  connections(): WsConnection[] {
    return this.open.filter((c) => c.pings > 0);
  }

  /** Changes what the next endpoint call and pong hand out. */
  setClientConfig(c: Partial<ClientConfig>): void {
    this.config = { ...this.config, ...c };
  }

  async waitForConnections(n = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections().length < n) {
      if (Date.now() > deadline)
        throw new Error(
          `lark ws stand-in: ${this.connections().length} connection(s) after ${timeoutMs} ms, wanted ${n}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Pushes one event (the 2.0 envelope, as `im.message.receive_v1` or `card.action.trigger`) to one
   * connection and resolves with its ACK, or `undefined` when none came within `waitMs`.
   */
  async push(payload: unknown, o: PushOptions = {}): Promise<WsAck | undefined> {
    const open = this.connections();
    if (open.length === 0) throw new Error('lark ws stand-in: no client is connected');
    const conn = o.to === 'random' ? open[Math.floor(Math.random() * open.length)]! : open[o.to ?? 0];
    if (!conn) throw new Error(`lark ws stand-in: no connection #${String(o.to)}`);
    const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
    const wanted = o.fragments ?? (this.opts.fragmentBytes ? Math.ceil(bytes.length / this.opts.fragmentBytes) : 1);
    const sum = Math.max(1, Math.min(wanted, bytes.length));
    const size = Math.ceil(bytes.length / sum);
    const messageId = uniqueId('ws_msg_');
    const traceId = randomBytes(8).toString('hex');
    const frames: WireFrame[] = [];
    for (let i = 0; i < sum; i++) {
      frames.push({
        SeqID: ++this.seq,
        LogID: Number.parseInt(randomBytes(4).toString('hex'), 16),
        service: conn.serviceId,
        method: DATA,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: String(sum) },
          { key: 'seq', value: String(i) },
          { key: 'trace_id', value: traceId },
        ],
        // a cut may fall inside a multi-byte character: the client merges bytes, not strings
        payload: bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size)),
      });
    }
    if (o.reverse) frames.reverse();
    this.pushedAt.set(messageId, Date.now());
    const acked = new Promise<WsAck>((resolve) => this.waiting.set(messageId, resolve));
    for (const f of frames) conn.socket.send(encodeFrame(f));
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), o.waitMs ?? 10_000);
    });
    try {
      return await Promise.race([acked, gaveUp]);
    } finally {
      clearTimeout(timer);
      // an ACK after this is still recorded in `acks`, as late
      this.waiting.delete(messageId);
    }
  }

  /** Closes every connection from Lark's side, as when its frontier restarts; clients reconnect. */
  dropAll(): void {
    for (const c of this.open.splice(0)) c.socket.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private endpoint(body: Record<string, unknown>): { status: number; json: unknown } {
    const answer = (code: number, msg: string, data: unknown = {}) => {
      this.endpointCalls.push({ appId: body.AppID, code });
      return { status: 200, json: { code, msg, data } };
    };
    if (body.AppID !== this.opts.appId || body.AppSecret !== this.opts.appSecret) return answer(514, 'auth failed');
    if (this.open.length >= MAX_CONNECTIONS) return answer(1000040350, 'exceed conn limit');
    const ticket = randomBytes(12).toString('hex');
    const deviceId = randomBytes(8).toString('hex');
    const serviceId = 33554678;
    this.tickets.set(ticket, { deviceId, serviceId });
    // the SDK reads device_id and service_id with qs.parse over the whole URL: they must not come first
    const URL = `ws://127.0.0.1:${this.port}/ws/v2?fpid=493&aid=552564&device_id=${deviceId}&access_key=${randomBytes(16).toString('hex')}&service_id=${serviceId}&ticket=${ticket}`;
    return answer(0, 'ok', { URL, ClientConfig: this.config });
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const issued = this.tickets.get(ticket);
    if (url.pathname !== '/ws/v2' || !issued) {
      this.refusedHandshakes++;
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\nconnection: close\r\n\r\n',
      );
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: WsConnection = {
        id: issued.deviceId,
        serviceId: issued.serviceId,
        openedAt: Date.now(),
        pings: 0,
        socket: ws,
      };
      this.open.push(conn);
      ws.on('message', (data) => this.onFrame(conn, data));
      ws.on('close', () => {
        this.open = this.open.filter((c) => c !== conn);
      });
      ws.on('error', () => {});
    });
  }

  private onFrame(conn: WsConnection, data: Buffer): void {
    let f: WireFrame;
    try {
      f = decodeFrame(data);
    } catch {
      return;
    }
    const type = header(f, 'type');
    if (f.method === CONTROL && type === 'ping') {
      conn.pings++;
      if (!this.answerPings) return;
      const pong: WireFrame = {
        SeqID: 0,
        LogID: 0,
        service: f.service,
        method: CONTROL,
        headers: [{ key: 'type', value: 'pong' }],
        payload: Buffer.from(JSON.stringify(this.config)),
      };
      conn.socket.send(encodeFrame(pong));
      return;
    }
    if (f.method !== DATA) return;
    const messageId = header(f, 'message_id') ?? '';
    const waiting = this.waiting.get(messageId);
    let body: { code?: number; data?: string } = {};
    try {
      body = JSON.parse(Buffer.from(f.payload ?? []).toString('utf8')) as typeof body;
    } catch {
      body = { code: -1 };
    }
    let decoded: unknown;
    if (typeof body.data === 'string') {
      const text = Buffer.from(body.data, 'base64').toString('utf8');
      try {
        decoded = JSON.parse(text);
      } catch {
        decoded = text;
      }
    }
    const at = this.pushedAt.get(messageId);
    const ms = at === undefined ? Number.NaN : Date.now() - at;
    const ack: WsAck = {
      messageId,
      connection: conn.id,
      code: Number(body.code),
      data: decoded,
      ms,
      late: !(ms <= ACK_DEADLINE_MS),
      frame: f,
    };
    this.acks.push(ack);
    if (waiting) {
      this.waiting.delete(messageId);
      waiting(ack);
    }
  }
}
