import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the bot and the database that counts the MongoDB wire-protocol requests
 * (OP_MSG) going through it, by command name: the round trips the bot makes, without touching
 * the bot. Driver monitoring (hello, ping) is counted apart.
 */
const MONITORING = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'endSessions',
  'buildInfo',
  'saslStart',
  'saslContinue',
]);

export class WireCounter {
  readonly commands = new Map<string, number>();
  /** Milliseconds between each request and its reply, summed by command: where the database's time goes. */
  readonly busy = new Map<string, number>();
  private server!: Server;
  private sockets = new Set<Socket>();

  static async start(dbHost: string, dbPort: number): Promise<WireCounter> {
    const w = new WireCounter();
    w.server = createServer((client) => {
      const db = createConnection({ host: dbHost, port: dbPort });
      w.sockets.add(client).add(db);
      let pending = Buffer.alloc(0);
      let replies = Buffer.alloc(0);
      // requestID → command and when it left, per connection
      const asked = new Map<number, { name: string; at: number }>();
      client.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 16) {
          const len = pending.readInt32LE(0);
          if (pending.length < len) break;
          const name = w.countMessage(pending.subarray(0, len));
          asked.set(pending.readInt32LE(4), { name, at: performance.now() });
          pending = pending.subarray(len);
        }
        db.write(chunk);
      });
      db.on('data', (chunk: Buffer) => {
        replies = Buffer.concat([replies, chunk]);
        while (replies.length >= 16) {
          const len = replies.readInt32LE(0);
          if (replies.length < len) break;
          const q = asked.get(replies.readInt32LE(8));
          if (q) {
            asked.delete(replies.readInt32LE(8));
            w.busy.set(q.name, (w.busy.get(q.name) ?? 0) + performance.now() - q.at);
          }
          replies = replies.subarray(len);
        }
        client.write(chunk);
      });
      const end = () => {
        client.destroy();
        db.destroy();
      };
      client.on('error', end).on('close', end);
      db.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => w.server.listen(0, '127.0.0.1', () => r()));
    return w;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private countMessage(msg: Buffer): string {
    const opCode = msg.readInt32LE(12);
    let name = `op${opCode}`;
    // OP_MSG: header(16) flagBits(4) section kind 0 (1) BSON doc: len(4) type(1) cstring name
    if (opCode === 2013 && msg[20] === 0) {
      const start = 26;
      const end = msg.indexOf(0, start);
      name = msg.subarray(start, end).toString('utf8');
      // a command's first field names its collection (a BSON string: int32 length, then the bytes)
      if (msg[25] === 0x02 && !MONITORING.has(name))
        name += `:${msg.subarray(end + 5, end + 4 + msg.readInt32LE(end + 1)).toString('utf8')}`;
    }
    this.commands.set(name, (this.commands.get(name) ?? 0) + 1);
    return name;
  }

  /** Milliseconds waited on the database by command since the last reset (monitoring left out). */
  waited(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of [...this.busy].sort((a, b) => b[1] - a[1])) if (!MONITORING.has(k)) out[k] = Math.round(v);
    return out;
  }

  /** Requests by command since the last reset, without the driver's monitoring. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.commands) if (!MONITORING.has(k)) out[k] = v;
    return out;
  }

  reset(): void {
    this.commands.clear();
    this.busy.clear();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
