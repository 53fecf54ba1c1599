import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Identity, Staff } from '../models/index.ts';
import { staffNamed } from '../roster/names.ts';
import { renderCardText } from '../core/render.ts';
import { trailAs } from '../core/audit-trail.ts';
import { roleNames } from '../core/roles.ts';
import { parseMobile } from '../core/text.ts';
import { TEXT_ONLY, type Attachment, type ChannelSender, type ChatInfo, type EventSink, type Outgoing, type Receiver, type Role, type SentRef, type Target } from '../core/types.ts';

/** The console's built-in operator, an admin (main.ts adds `console:admin` to the admins). */
export const CONSOLE_ADMIN = 'admin';

const META_HELP = [
  '控制台指令（只在控制台有效）：',
  '  :as 姓名或电话   切换成这名员工说话（:as admin 回到管理员）',
  '  :group 群名      切到一个群聊（群里手机号会打码）',
  '  :private         回到私聊',
  '  :photo 文件名     模拟发送一张照片（如报销收据）',
  '  :who             当前身份',
  '  :quit            退出（也可按 Ctrl+D）',
].join('\n');

/**
 * A local chat for newcomers and demos: type as any staff member, see cards as text with numbered
 * buttons, answer them by number. Works on any pair of streams so tests drive it in-process too.
 */
export class ConsoleReceiver implements Receiver {
  readonly channel = 'console' as const;
  readonly sender: ChannelSender;
  private rl?: Interface;
  private sink?: EventSink;
  private userId = CONSOLE_ADMIN;
  private userName = '控制台管理员';
  /** A private chat's id is the person's id, as on WeChat, so a card sent to a person is answered in their chat. */
  private chat: ChatInfo = { id: CONSOLE_ADMIN, isGroup: false };
  private up: 'starting' | 'up' | 'down' = 'starting';
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onClose: () => void = () => {},
  ) {
    this.sender = {
      channel: 'console',
      capabilities: TEXT_ONLY,
      limits: { perApp: { intervalCap: 1000, interval: 1000 } },
      send: async (target: Target, message: Outgoing): Promise<SentRef> => {
        const to = 'chatId' in target ? target.chatId : target.userId;
        // a message for someone else (a notification): say whom, by name where the console knows it
        const name = to === this.chat.id ? '' : ((await Identity.findById(`console:${to}`, { displayName: 1 }).lean())?.displayName || to);
        const where = name ? `（发给 ${name}）` : '';
        // the console keeps no pictures: it names the ones a card shows (Card.pictures)
        const pictures = typeof message === 'string' ? [] : (message.pictures ?? []).filter((r) => r.startsWith('console:')).map((r) => `[图片] ${r.slice('console:'.length)}`);
        const body = [typeof message === 'string' ? message : renderCardText(message), ...pictures].join('\n');
        this.print(`🤖${where} ${body.replace(/\n/g, '\n   ')}`);
        return { channel: 'console', messageId: randomUUID() };
      },
    };
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
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

  private print(text: string): void {
    this.output.write(`${text}\n`);
  }

  private prompt(): void {
    this.output.write(`[${this.userName}@${this.chat.isGroup ? this.chat.name : '私聊'}]> \n`);
  }

  private async onLine(raw: string, sink: EventSink): Promise<void> {
    const line = raw.trim();
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
  }

  private async meta(line: string): Promise<void> {
    const [cmd, ...rest] = line.slice(1).split(/\s+/);
    const arg = rest.join(' ').trim();
    switch (cmd) {
      case 'as':
        await this.switchUser(arg);
        return;
      case 'group':
        this.chat = { id: `group-${arg || '测试群'}`, isGroup: true, name: arg || '测试群' };
        this.print(`已切到群聊「${this.chat.name}」。`);
        return;
      case 'private':
        this.chat = { id: this.userId, isGroup: false };
        this.print('已回到私聊。');
        return;
      case 'photo':
        await this.sendPhoto(arg || '收据.jpg');
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

  /** Acting as someone binds the console identity `console:<staffId>` to them (the console is trusted). */
  private async switchUser(query: string): Promise<void> {
    if (!query || query === CONSOLE_ADMIN || query === '管理员') {
      this.setUser(CONSOLE_ADMIN, '控制台管理员');
      this.print('已切回控制台管理员。');
      return;
    }
    const phone = parseMobile(query);
    const matches = phone ? await Staff.find({ phone }).limit(5).lean() : await staffNamed(query, {}, 5);
    if (matches.length !== 1) {
      this.print(matches.length ? `有 ${matches.length} 位「${query}」，请用电话：:as 13800000000` : `没有找到「${query}」。先用「添加人员」或导入花名册。`);
      return;
    }
    const s = matches[0]!;
    const userId = String(s._id);
    const id = `console:${userId}`;
    // a binding like any other, made at the terminal: the trail says so (once, not at every switch)
    if (!(await Identity.exists({ _id: id, staffId: s._id }))) await this.bindConsole(id, userId, s);
    this.setUser(userId, s.name);
    this.print(`你现在是「${s.name}」（${roleNames(s.roles as Role[])}）${s.active ? '' : '，此人已停用'}。`);
  }

  private async bindConsole(id: string, userId: string, s: { _id: unknown; name: string }): Promise<void> {
    const note = { kind: 'binding' as const, record: { type: 'staff', id: userId, label: s.name }, subject: { staffId: userId, name: s.name }, what: '绑定', to: '控制台账号', note: ':as' };
    await trailAs({ staffId: '', name: this.userName, identity: `console:${this.userId}`, channel: 'console' }).change(Identity, id, note, (carry) =>
      Identity.updateOne({ _id: id }, carry.update({ $set: { staffId: s._id, channel: 'console', userId, displayName: s.name }, $setOnInsert: { boundAt: new Date() } }), { upsert: true }),
    );
  }

  private setUser(userId: string, name: string): void {
    this.userId = userId;
    this.userName = name;
    if (!this.chat.isGroup) this.chat = { id: userId, isGroup: false };
  }
}
