import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoute } from './core/types.ts';
import type { Logger } from './logger.ts';

export interface HttpDeps {
  log: Logger;
  /** Body of GET /healthz; `ok: false` answers 503 so a load balancer takes the instance out. */
  health(): Promise<{ ok: boolean } & Record<string, unknown>>;
  /** What the receivers declare (a platform's webhook); mounted as they are. */
  routes?: readonly HttpRoute[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

/**
 * The bot's HTTP face: health always, and whatever routes the receivers declare. Routing ignores
 * the query string (a platform SDK's own adapter may not, and then never answers).
 */
export function createHttpServer(deps: HttpDeps): Server {
  const routes = new Map<string, HttpRoute['handler']>();
  for (const r of deps.routes ?? []) {
    const key = `${r.method} ${r.path}`;
    if (key === 'GET /healthz' || routes.has(key)) throw new Error(`two handlers for ${key}`);
    routes.set(key, r.handler);
  }
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const work = (async () => {
      const handler = routes.get(route);
      if (route === 'GET /healthz') {
        const h = await deps.health();
        sendJson(res, h.ok ? 200 : 503, h);
      } else if (handler) {
        await handler(req, res);
      } else {
        sendJson(res, 404, { error: 'not found' });
      }
    })();
    work.catch((err) => {
      deps.log.error({ err, route }, 'http request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

/**
 * A database check for /healthz that answers within `timeoutMs`: a paused database (SIGSTOP, a
 * stalled disk) never answers a ping and a killed one makes the driver wait for server
 * selection, while the connection may still look open. One ping at a time: callers arriving
 * while one is in flight share it, so a hung database does not collect a ping per request.
 */
export function databaseProbe(ping: () => Promise<unknown>, timeoutMs = 1000): () => Promise<boolean> {
  let inflight: Promise<boolean> | undefined;
  return () => {
    inflight ??= Promise.resolve()
      .then(ping)
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        inflight = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    });
    return Promise.race([inflight, late]).finally(() => clearTimeout(timer));
  };
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
