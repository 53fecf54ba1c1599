import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of the test database that can be paused: while paused, bytes
 * in both directions are held (not dropped) and delivered in order on resume. To the driver this
 * looks exactly like a database that stopped answering (a SIGSTOP), without stopping the shared
 * FerretDB other test files use.
 */
export class StallProxy {
  private server!: Server;
  private sockets = new Set<Socket>();
  private held: (() => void)[] = [];
  private paused = false;
  port = 0;

  static async start(upstream: { host: string; port: number }): Promise<StallProxy> {
    const p = new StallProxy();
    p.server = createServer((client) => {
      const db = createConnection(upstream.port, upstream.host);
      for (const s of [client, db]) {
        p.sockets.add(s);
        s.on('close', () => p.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          db.destroy();
        });
      }
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (p.paused) p.held.push(() => to.write(chunk));
          else to.write(chunk);
        });
      forward(client, db);
      forward(db, client);
      client.on('end', () => db.end());
      db.on('end', () => client.end());
    });
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', () => resolve()));
    p.port = (p.server.address() as AddressInfo).port;
    return p;
  }

  /** `uri` (a mongodb:// URI) pointed at this proxy instead of the database. */
  rewrite(uri: string): string {
    const url = new URL(uri);
    url.host = `127.0.0.1:${this.port}`;
    return url.toString();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    this.resume();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
