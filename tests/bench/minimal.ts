import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Connection } from 'mongoose';
import { Pacer, windowsOf } from '../../src/core/rate-limit.ts';
import { LARK_LIMITS } from '../../src/receivers/lark/sending.ts';

/**
 * The floor the bot is compared with: the same SDK crypto (signature check, decryption through
 * EventDispatcher), one dedupe insert, one lookup, one reply through the same rate-limited
 * Open API — nothing else.
 */
const quiet = () => undefined;
const SILENT = { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet };

export class MinimalPipeline {
  private server!: Server;

  static async start(opts: {
    db: Connection;
    encryptKey: string;
    appId: string;
    appSecret: string;
    domain: string;
  }): Promise<MinimalPipeline> {
    const m = new MinimalPipeline();
    const inbox = opts.db.collection<{ _id: string }>('minimal_inbox');
    const identities = opts.db.collection<{ _id: string }>('identities');
    const client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: opts.domain,
      cache: new lark.DefaultCache(),
      loggerLevel: lark.LoggerLevel.error,
      logger: SILENT,
    });
    // the same send limits as the bot's outbox (LARK_LIMITS), so both meet the platform the same way
    const sends = new Pacer(windowsOf(LARK_LIMITS.perApp));
    const dispatcher = new lark.EventDispatcher({
      encryptKey: opts.encryptKey,
      loggerLevel: lark.LoggerLevel.error,
      logger: SILENT,
    }).register({
      'im.message.receive_v1': async (data) => {
        try {
          await inbox.insertOne({ _id: data.event_id ?? data.message.message_id });
        } catch {
          return; // a redelivery
        }
        void (async () => {
          const who = await identities.findOne({ _id: `lark:${data.sender.sender_id?.open_id}` });
          for (let i = 0; i < 6; i++) {
            try {
              await sends.run(() =>
                client.im.message.create({
                  params: { receive_id_type: 'chat_id' },
                  data: {
                    receive_id: data.message.chat_id,
                    msg_type: 'text',
                    content: JSON.stringify({ text: who ? '收到' : '请先绑定' }),
                  },
                }),
              );
              return;
            } catch (err) {
              const status = (err as { response?: { status?: number } }).response?.status;
              if (status !== 429) return;
              await new Promise((r) => setTimeout(r, 1000));
            }
          }
        })().catch(() => undefined);
      },
    });
    const handle = lark.adaptDefault('/lark/events', dispatcher, { autoChallenge: true });
    m.server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => m.server.listen(0, '127.0.0.1', () => r()));
    return m;
  }

  get webhook(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/lark/events`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
