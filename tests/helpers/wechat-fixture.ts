import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type payloads, types } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { PuppetServer, log as wechatyLog } from 'wechaty-puppet-service';
import { freePort } from '../../src/db/ferretdb.ts';

type ContactMock = mock.ContactMock;

/** What the bot sent, as the other side of the gRPC link saw it. */
export interface Delivered {
  /** Room id, or the contact id of a private chat. */
  chatId: string;
  text: string;
  /** When the puppet service took it (performance.now()). */
  at: number;
}

/** A file the bot sent, as the puppet service received it. */
export interface DeliveredFile {
  chatId: string;
  name: string;
  data: Buffer;
  at: number;
}

export interface SayOptions {
  /** In the group instead of a private chat. */
  inRoom?: boolean;
  /** Starts with "@<bot name>" and lists the bot in mentionIdList, as WeChat does. */
  mentionBot?: boolean;
  type?: types.Message;
}

export interface FixtureOptions {
  /**
   * Imitates WeChat refusing a personal account that sends too fast: a message that comes less than
   * this many ms after the last one accepted is refused with 发送消息过于频繁 (PLATFORM-NOTES).
   */
  minGapMs?: number;
  /**
   * Ids shaped like those of other puppets: `wecom` gives the group a numeric id (WeCom-style
   * puppets) and the people ids starting with '@' (wechat4u's web protocol). Neither holds the
   * '@chatroom' the default (PuppetMock, padlocal) ids have.
   */
  ids?: 'padlocal' | 'wecom';
}

/**
 * A WeChat "phone" for scenario tests: a PuppetMock served by PuppetServer on 127.0.0.1, exactly what
 * a puppet service provider runs, so the bot connects with wechaty-puppet-service over real gRPC.
 * People are mock contacts; `say` makes one of them write, `deliveredTo` shows what the bot answered.
 */
export async function startWechatFixture(opts: FixtureOptions = {}) {
  // the client caches payloads under $HOME/.wechaty; keep that out of the real home
  const home = mkdtempSync(path.join(tmpdir(), 'guard-desk-wechat-'));
  const realHome = process.env.HOME;
  process.env.HOME = home;
  if (!process.env.TEST_LOG_LEVEL) wechatyLog.level('silent');

  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const odd = opts.ids === 'wecom';
  const personId = (wxid: string, webId: string) => (odd ? webId : wxid);
  const botUser = mocker.createContact({ id: personId('wxid_bot', '@6f1c0b7e2a9d4c3b8e5f'), name: '保安助手' });
  const people = {
    admin: mocker.createContact({ id: personId('wxid_admin', '@a91d3e0c4b7f2a6d5e8c'), name: '王经理' }),
    zhang: mocker.createContact({ id: personId('wxid_zhangsan', '@3c5e7a9b1d2f4e6a8c0b'), name: '张三' }),
    li: mocker.createContact({ id: personId('wxid_lisi', '@e2b4d6f8a0c1e3b5d7f9'), name: '李四' }),
    stranger: mocker.createContact({ id: personId('wxid_stranger', '@7d9f1b3e5a7c9e1b3d5f'), name: '路人甲' }),
  };
  const room = mocker.createRoom({
    id: odd ? '10696052387913' : '20001@chatroom',
    topic: '万达广场值班群',
    memberIdList: [botUser.id, ...Object.values(people).map((c) => c.id)],
  });
  // environments run each time the client starts the puppet, so a restarted bot is logged in again
  mocker.use(() => {
    mocker.login(botUser);
    return () => {};
  });

  // the mock announces every message, the bot's own replies included, on its own emitter
  const delivered: Delivered[] = [];
  puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId) as payloads.Message & { roomId?: string; listenerId?: string };
    if (p.talkerId === botUser.id)
      delivered.push({ chatId: p.roomId || p.listenerId || '?', text: p.text ?? '', at: performance.now() });
  });

  // PuppetMock itself tells a room from a contact by an '@' in the id; the mock's own records say it truly
  if (odd) {
    puppet.messageSendText = async (conversationId: string, text: string) => {
      if (!puppet.isLoggedIn) throw new Error('not logged in');
      const user = mocker.ContactMock.load(puppet.currentUserId);
      const conversation = mocker.cacheRoomPayload.has(conversationId)
        ? mocker.RoomMock.load(conversationId)
        : mocker.ContactMock.load(conversationId);
      user.say(text).to(conversation);
      return undefined;
    };
  }

  // files the bot sent, read as the puppet service got them (over the gRPC link, as a FileBox)
  const files: DeliveredFile[] = [];
  const sendFile = puppet.messageSendFile.bind(puppet);
  puppet.messageSendFile = async (conversationId: string, file: Parameters<typeof sendFile>[1]) => {
    files.push({ chatId: conversationId, name: file.name, data: await file.toBuffer(), at: performance.now() });
    return sendFile(conversationId, file);
  };

  // what reached WeChat, as the puppet service saw it: accepted sends, and those refused as too frequent
  const pacing = { accepted: 0, refused: 0 };
  if (opts.minGapMs) {
    const minGap = opts.minGapMs;
    const sendText = puppet.messageSendText.bind(puppet);
    let last = -Infinity;
    puppet.messageSendText = async (...args: Parameters<typeof sendText>) => {
      const now = performance.now();
      if (now - last < minGap) {
        pacing.refused++;
        throw new Error('发送消息过于频繁，请稍后再试');
      }
      last = now;
      pacing.accepted++;
      return sendText(...args);
    };
  }

  const token = `insecure_${randomUUID()}`;
  const endpoint = `127.0.0.1:${await freePort()}`;
  let server: PuppetServer | undefined;
  async function serve(): Promise<void> {
    server = new PuppetServer({ endpoint, puppet, token, tls: { disable: true } });
    await server.start();
  }
  await serve();

  /** Makes `from` write to the bot (privately) or to the group; returns the message id. */
  function say(from: ContactMock, text: string, opts: SayOptions = {}): string {
    const id = `msg-${randomUUID()}`;
    const base = { id, talkerId: from.id, timestamp: Date.now(), type: opts.type ?? types.Message.Text };
    const payload: payloads.Message = opts.inRoom
      ? {
          ...base,
          roomId: room.id,
          text: opts.mentionBot ? `@${botUser.payload.name}\u2005${text}` : text,
          mentionIdList: opts.mentionBot ? [botUser.id] : [],
        }
      : { ...base, listenerId: botUser.id, text };
    mocker.MessageMock.create(payload);
    puppet.emit('message', { messageId: id });
    return id;
  }

  return {
    endpoint,
    token,
    mocker,
    puppet,
    botUser,
    people,
    room,
    say,
    pacing,
    /** WeChat delivers the same message again (it does, after reconnects). */
    redeliver(messageId: string): void {
      puppet.emit('message', { messageId });
    },
    /** Everything the bot has sent so far, in order, with when the puppet service took it. */
    deliveries(): readonly Delivered[] {
      return delivered;
    },
    /** The files the bot has sent (exports, charts), in order; to one chat when `chatId` is given. */
    filesTo(chatId?: string): readonly DeliveredFile[] {
      return files.filter((f) => chatId === undefined || f.chatId === chatId);
    },
    /** Everything the bot has sent to one chat so far. */
    deliveredTo(chatId: string): string[] {
      return delivered.filter((d) => d.chatId === chatId).map((d) => d.text);
    },
    /** The puppet service goes away (the bot's connection breaks) … */
    async serviceDown(): Promise<void> {
      await server?.stop();
      server = undefined;
    },
    /** … and comes back on the same address. */
    serviceUp: serve,
    /** The environment a bot needs to reach this fixture. */
    env(): Record<string, string> {
      return {
        WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
        WECHATY_PUPPET_SERVICE_TOKEN: token,
        WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true',
        WECHAT_SEND_INTERVAL_MS: '0',
      };
    },
    async stop(): Promise<void> {
      await server?.stop();
      if (puppet.state.active()) await puppet.stop();
      if (realHome === undefined) delete process.env.HOME;
      else process.env.HOME = realHome;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export type WechatFixture = Awaited<ReturnType<typeof startWechatFixture>>;

/** Polls until `check` returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
