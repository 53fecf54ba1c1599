import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { renderCardText } from '../core/render.ts';
import { roleNames } from '../core/roles.ts';
import {
  type Attachment,
  type ChannelSender,
  type ChatInfo,
  type EventSink,
  isFileMessage,
  type Outgoing,
  type Receiver,
  type Role,
  type SentRef,
  type Target,
  TEXT_ONLY,
} from '../core/types.ts';
import { Identity } from '../models/index.ts';
import { type ConsoleClock, moveClock } from './console-clock.ts';
import { keepFile } from './console-files.ts';
import { bindConsole, type ConsoleOperator, consoleMatches, syncConsoleIdentities } from './console-people.ts';

export { type ConsoleClock, parseConsoleTime } from './console-clock.ts';
export { keepFile } from './console-files.ts';

/** The console's built-in operator, an admin (main.ts adds `console:admin` to the admins). */
export const CONSOLE_ADMIN = 'admin';
const ADMIN_NAME = '控制台管理员';

/** A multi-line message typed between two lines of just this (a paste block). */
const BLOCK = '"""';
/** Messages kept per person for `:as`: the newest, a day's worth of notices at most. */
const KEEP_PER_PERSON = 30;

const META_HELP = [
  '控制台指令（只在控制台有效）：',
  '  :as 姓名或电话   切换成这名员工说话，先显示别人发给他、他还没看的消息（:as admin 回到管理员）',
  '  :as              列出谁有还没看的消息',
  '  :group 群名      切到一个群聊（群里手机号会打码）',
  '  :private         回到私聊',
  '  :photo 文件名     模拟发送一张照片（如报销收据）',
  '  :time 22:00      把机器人的时间拨到今天 22:00（也可写 2026-12-01 09:00），并运行到点的定时任务，如查房；:time 现在 拨回',
  '  :who             当前身份',
  '  :quit            退出（也可按 Ctrl+D）',
  '多行消息：行末写 \\ 接着写下一行；或单独一行 """ 开始、再一行 """ 结束（粘贴表格、一条消息写完的表单）。',
].join('\n');

export interface ConsoleOptions {
  /**
   * The console stands in for everyone's phone (no other channel is running): every active staff
   * member has a console identity, so what the bot sends anyone — a notification, an approval card,
   * the roll call — reaches the console and shows in the transcript, not only for people `:as` has
   * switched to already.
   */
  everyone?: boolean;
  /** Where files the bot sends (exports, charts) are kept for the operator to open: DATA_DIR/exports. */
  filesDir?: string;
}

/**
 * A local chat for newcomers and demos: type as any staff member, see cards as text with numbered
 * buttons, answer them by number. What the bot sends someone else shows as `→ 赵财务：…` and is
 * kept until `:as 赵财务`. Works on any pair of streams so tests drive it in-process too.
 */
export class ConsoleReceiver implements Receiver {
  readonly channel = 'console' as const;
  readonly sender: ChannelSender;
  private rl?: Interface;
  private sink?: EventSink;
  private userId = CONSOLE_ADMIN;
  private userName = ADMIN_NAME;
  /** A private chat's id is the person's id, as on WeChat, so a card sent to a person is answered in their chat. */
  private chat: ChatInfo = { id: CONSOLE_ADMIN, isGroup: false };
  private up: 'starting' | 'up' | 'down' = 'starting';
  private queue: Promise<void> = Promise.resolve();
  /** Lines of a message still being typed (after a `\` or inside a paste block). */
  private pending: string[] | undefined;
  private inBlock = false;
  /** What was sent to people and chats the operator is not in, by chat or person id, oldest first. */
  private waiting = new Map<string, { name: string; bodies: string[] }>();
  /** Names of console ids (staff ids) for the transcript. */
  private names = new Map<string, string>([[CONSOLE_ADMIN, ADMIN_NAME]]);
  private syncedStamp: string | null | undefined;
  private time?: ConsoleClock;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onClose: () => void = () => {},
    private readonly opts: ConsoleOptions = {},
  ) {
    this.sender = {
      channel: 'console',
      capabilities: TEXT_ONLY,
      limits: { perApp: { intervalCap: 1000, interval: 1000 } },
      send: async (target: Target, message: Outgoing): Promise<SentRef> => {
        if (isFileMessage(message)) {
          const kept = await keepFile(this.opts.filesDir ?? path.join('data', 'exports'), message);
          this.show(
            target,
            [message.caption, `[${message.image ? '图片' : '文件'}] ${message.name}：${kept}`]
              .filter(Boolean)
              .join('\n'),
          );
          return { channel: 'console', messageId: randomUUID() };
        }
        // the console keeps no pictures: it names the ones a card shows (Card.pictures)
        const pictures =
          typeof message === 'string' ? [] : (message.pictures ?? []).filter((r) => r.startsWith('console:'));
        const text = typeof message === 'string' ? message : renderCardText(message);
        this.show(target, [text, ...pictures.map((r) => `[图片] ${r.slice('console:'.length)}`)].join('\n'));
        return { channel: 'console', messageId: randomUUID() };
      },
    };
  }

  /** Gives `:time` the bot's clock and scheduler (main.ts, after the bot is built). */
  attach(time: ConsoleClock): void {
    this.time = time;
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    await this.syncEveryone();
    this.rl = createInterface({ input: this.input, output: this.output, terminal: false });
    this.rl.on('line', (line) => {
      // lines are taken in the order typed (or pasted), each after the one before
      this.queue = this.queue.then(() =>
        this.onLine(line, sink).catch((err) => {
          const refId = sink.onError(err, { what: 'console line failed', channel: 'console' });
          this.print(`⚠ 出错了（编号 ${refId}），请查看日志。`);
        }),
      );
    });
    this.rl.on('close', () => {
      void this.queue.then(() => this.onClose());
    });
    this.up = 'up';
    this.print(`控制台已就绪。你现在是「${this.userName}」。发送「帮助」查看命令，「:help」查看控制台指令。`);
    this.prompt();
  }

  async stop(): Promise<void> {
    this.up = 'down';
    this.rl?.close();
  }

  state() {
    return this.up;
  }

  /** Resolves once every line typed so far has been answered (tests type, then wait for this). */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  private print(text: string): void {
    this.output.write(`${text}\n`);
  }

  private prompt(): void {
    this.output.write(`[${this.userName}@${this.chat.isGroup ? this.chat.name : '私聊'}]> \n`);
  }

  /**
   * A message for this chat is printed in full; one for someone else (a notification, an approval
   * card) is one line in the transcript and kept in full for when `:as` switches to them.
   */
  private show(target: Target, body: string): void {
    const to = 'chatId' in target ? target.chatId : target.userId;
    if (to === this.chat.id) {
      this.print(`🤖 ${indent(body)}`);
      return;
    }
    if (to === this.userId) {
      // my private chat while I am in a group
      this.print(`🤖（私聊） ${indent(body)}`);
      return;
    }
    const name = this.nameOf(to);
    const kept = this.waiting.get(to) ?? { name, bodies: [] };
    kept.bodies = [...kept.bodies, body].slice(-KEEP_PER_PERSON);
    this.waiting.set(to, kept);
    const lines = body.split('\n');
    const more =
      lines.length > 1
        ? ` …（${lines.length} 行，${to.startsWith('group-') ? `:group ${name}` : `:as ${name}`} 查看）`
        : '';
    this.print(`→ ${name}：${lines[0]}${more}`);
  }

  private nameOf(id: string): string {
    if (id.startsWith('group-')) return id.slice('group-'.length);
    return this.names.get(id) ?? id;
  }

  private async onLine(raw: string, sink: EventSink): Promise<void> {
    // a paste block: every line as typed, blank ones too, until the closing """
    if (this.inBlock) {
      if (raw.trim() === BLOCK) {
        this.inBlock = false;
        const text = (this.pending ?? []).join('\n').trim();
        this.pending = undefined;
        if (text) await this.deliver(sink, text);
      } else this.pending!.push(raw);
      return;
    }
    const line = raw.trim();
    if (line === BLOCK && !this.pending) {
      this.inBlock = true;
      this.pending = [];
      this.print('（多行消息：粘贴或逐行输入，单独一行 """ 结束并发送）');
      return;
    }
    // a line ending in \ goes on on the next line
    if (line.endsWith('\\')) {
      this.pending ??= [];
      this.pending.push(line.slice(0, -1).trimEnd());
      return;
    }
    if (this.pending) {
      const text = [...this.pending, line].join('\n').trim();
      this.pending = undefined;
      if (text) await this.deliver(sink, text);
      return;
    }
    if (!line) return;
    if (line.startsWith(':')) {
      await this.meta(line);
      this.prompt();
      return;
    }
    await this.deliver(sink, line);
  }

  /** Wait for the answer before the next line, so a pasted script reads like a conversation. */
  private async deliver(sink: EventSink, text: string, attachments?: Attachment[]): Promise<void> {
    const { result } = await sink.intakeAndWait({
      id: randomUUID(),
      channel: 'console',
      chat: this.chat,
      userId: this.userId,
      userName: this.userName,
      kind: 'message',
      text,
      attachments,
      receivedAt: new Date(),
    });
    if (result === 'stopped') this.print('机器人正在停止，消息没有处理。');
    // someone added (添加人员) can be sent to at once
    await this.syncEveryone();
  }

  private async meta(line: string): Promise<void> {
    // someone imported or added meanwhile can be switched to, and sent to, at once
    await this.syncEveryone();
    const [cmd, ...rest] = line.slice(1).split(/\s+/);
    const arg = rest.join(' ').trim();
    switch (cmd) {
      case 'as':
        await this.switchUser(arg);
        return;
      case 'group':
        this.chat = { id: `group-${arg || '测试群'}`, isGroup: true, name: arg || '测试群' };
        this.print(`已切到群聊「${this.chat.name}」。`);
        this.replayWaiting(this.chat.id);
        return;
      case 'private':
        this.chat = { id: this.userId, isGroup: false };
        this.print('已回到私聊。');
        return;
      case 'photo':
        await this.sendPhoto(arg || '收据.jpg');
        return;
      case 'time':
        await this.setTime(arg);
        return;
      case 'who':
        this.print(`当前身份：${this.userName}；${this.chat.isGroup ? `群聊「${this.chat.name}」` : '私聊'}`);
        return;
      case 'quit':
      case 'exit':
        this.rl?.close();
        return;
      default:
        this.print(META_HELP);
    }
  }

  /** `:photo 名称` stands in for a picture sent from a phone (e.g. a receipt for a reimbursement). */
  private async sendPhoto(name: string): Promise<void> {
    if (this.sink) await this.deliver(this.sink, '', [{ kind: 'image', ref: `console:${name}`, name }]);
  }

  /** `:time …`: src/receivers/console-clock.ts. */
  private async setTime(arg: string): Promise<void> {
    if (!this.time) {
      this.print('这个控制台不能调时间。');
      return;
    }
    await moveClock(this.time, arg, (line) => this.print(line));
  }

  /** Acting as someone binds the console identity `console:<staffId>` to them (the console is trusted). */
  private async switchUser(query: string): Promise<void> {
    if (!query) {
      this.listWaiting();
      return;
    }
    if (query === CONSOLE_ADMIN || query === '管理员' || query === ADMIN_NAME) {
      this.setUser(CONSOLE_ADMIN, ADMIN_NAME);
      this.print('已切回控制台管理员。');
      this.replayWaiting(CONSOLE_ADMIN);
      return;
    }
    const matches = await consoleMatches(query);
    if (matches.length !== 1) {
      this.print(
        matches.length
          ? `有 ${matches.length} 位「${query}」，请用电话：:as 13800000000`
          : `没有找到「${query}」。先用「添加人员」或导入花名册。`,
      );
      return;
    }
    const s = matches[0]!;
    const userId = String(s._id);
    const id = `console:${userId}`;
    // a binding like any other, made at the terminal: the trail says so (once, not at every switch)
    if (!(await Identity.exists({ _id: id, staffId: s._id }))) await bindConsole(id, userId, s, this.operator());
    this.names.set(userId, s.name);
    this.setUser(userId, s.name);
    this.print(`你现在是「${s.name}」（${roleNames(s.roles as Role[])}）${s.active ? '' : '，此人已停用'}。`);
    this.replayWaiting(userId);
  }

  /** `:as` alone: who has messages they have not seen yet. */
  private listWaiting(): void {
    const people = [...this.waiting.entries()].filter(([id]) => !id.startsWith('group-'));
    const groups = [...this.waiting.entries()].filter(([id]) => id.startsWith('group-'));
    if (!people.length && !groups.length) {
      this.print(`没有人有未看的消息。切换身份：:as 姓名或电话（现在是「${this.userName}」）`);
      return;
    }
    this.print(
      [
        '这些人有还没看的消息：',
        ...people.map(([, w]) => `  ${w.name}：${w.bodies.length} 条（:as ${w.name}）`),
        ...groups.map(([, w]) => `  群「${w.name}」：${w.bodies.length} 条（:group ${w.name}）`),
      ].join('\n'),
    );
  }

  /** What was kept for `id` while the operator was someone else, in full and in order; then it is seen. */
  private replayWaiting(id: string): void {
    const kept = this.waiting.get(id);
    if (!kept) return;
    this.waiting.delete(id);
    this.print(`—— ${kept.name} 有 ${kept.bodies.length} 条未看的消息 ——`);
    for (const body of kept.bodies) this.print(`🤖 ${indent(body)}`);
    this.print('—— 以上 ——');
  }

  private setUser(userId: string, name: string): void {
    this.userId = userId;
    this.userName = name;
    if (!this.chat.isGroup) this.chat = { id: userId, isGroup: false };
  }

  /** ConsoleOptions.everyone: console-people.ts. */
  private async syncEveryone(): Promise<void> {
    if (!this.opts.everyone) return;
    this.syncedStamp = await syncConsoleIdentities(this.syncedStamp, this.names, this.operator());
  }

  private operator(): ConsoleOperator {
    return { userId: this.userId, name: this.userName };
  }
}

function indent(body: string): string {
  return body.replace(/\n/g, '\n   ');
}
