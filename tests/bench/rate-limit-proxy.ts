import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Lark's send limits in front of the stand-in (PLATFORM-NOTES): 50 messages/s per app and 5/s
 * per chat, over a sliding second; a send past either is answered 429 + code 99991400 with
 * `x-ogw-ratelimit-reset`, as Lark does. Everything else is passed through unchanged.
 */
export class RateLimitProxy {
  /** 429s answered, by reason. */
  readonly refused = { app: 0, chat: 0 };
  private appWindow: number[] = [];
  private chatWindows = new Map<string, number[]>();
  private server!: Server;

  private constructor(
    private readonly upstream: URL,
    private readonly perApp: number,
    private readonly perChat: number,
  ) {}

  static async start(upstream: string, perApp = 50, perChat = 5): Promise<RateLimitProxy> {
    const p = new RateLimitProxy(new URL(upstream), perApp, perChat);
    p.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'POST' && path === '/open-apis/im/v1/messages') {
          let chat = '';
          try {
            chat = String((JSON.parse(body.toString('utf8')) as { receive_id?: string }).receive_id ?? '');
          } catch {
            // the stand-in answers malformed bodies itself
          }
          const verdict = p.admit(chat);
          if (verdict) {
            p.refused[verdict]++;
            const data = JSON.stringify({ code: 99991400, msg: 'request trigger frequency limit' });
            res.writeHead(429, {
              'content-type': 'application/json',
              'x-ogw-ratelimit-limit': String(verdict === 'app' ? p.perApp : p.perChat),
              'x-ogw-ratelimit-reset': '1',
            });
            res.end(data);
            return;
          }
        }
        const up = request(
          {
            host: p.upstream.hostname,
            port: p.upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: p.upstream.host },
          },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        up.end(body);
      });
    });
    p.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', () => r()));
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private admit(chat: string): 'app' | 'chat' | undefined {
    const now = Date.now();
    const since = now - 1000;
    this.appWindow = this.appWindow.filter((t) => t > since);
    if (this.appWindow.length >= this.perApp) return 'app';
    const w = (this.chatWindows.get(chat) ?? []).filter((t) => t > since);
    if (w.length >= this.perChat) {
      this.chatWindows.set(chat, w);
      return 'chat';
    }
    w.push(now);
    this.chatWindows.set(chat, w);
    this.appWindow.push(now);
    return undefined;
  }

  reset(): void {
    this.refused.app = 0;
    this.refused.chat = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
