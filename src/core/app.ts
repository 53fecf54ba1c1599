import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { CardPrompt, Identity, InboundEvent, Staff, claimOnce } from '../models/index.ts';
import type { BotContext, Sender, Services } from './context.ts';
import { FORM_SUBMIT_ACTION } from './forms.ts';
import { isAllowed, matchAction, matchCommand, type Allow, type RouteTable } from './router.ts';
import { echo, normalizeText, stripCommandPrefix } from './text.ts';
import type { BotEvent, Card, CardButton, EventSink, IntakeResult, Role } from './types.ts';
import { ROLE_LABELS } from './roles.ts';

export const HOW_TO_BIND =
  '你好！你还没有绑定员工身份，暂时无法使用。\n请向行政部管理员索取绑定码，然后发送：绑定 绑定码\n例如：绑定 K7P2QX9M';

export const DISABLED_REPLY = '你的员工账号已停用，暂时无法使用。如有疑问请联系行政部。';

export const ATTACHMENT_UNUSED = '收到了，但这里用不上图片或文件。请用文字发送命令，发送「帮助」查看你能用的命令。';

export const ERROR_REPLY = (ref: string) => `抱歉，处理出错了（编号 ${ref}）。请稍后再试；如果一直不行，把编号告诉管理员。`;

/** Events still unprocessed this long after arrival are taken over by the recovery sweep. */
const RECOVER_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 3;

export function newRefId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

/** What someone the bot cannot serve is told: a disabled person so; anyone else how to bind. */
export async function unknownSenderText(event: Pick<BotEvent, 'channel' | 'userId'>): Promise<string> {
  const link = await Identity.findById(identityKey(event)).lean();
  return link ? DISABLED_REPLY : HOW_TO_BIND;
}

export function identityKey(event: Pick<BotEvent, 'channel' | 'userId'>): string {
  return `${event.channel}:${event.userId}`;
}

interface Outcome {
  toast?: string;
  card?: Card;
}

/**
 * Turns recorded events into handler calls. Every event is inserted into the inbox (unique id =
 * dedupe) before the transport acknowledges it, then processed from that record; whatever a
 * handler throws ends in one place, `fail`, which logs it with its context and answers with a
 * reference id.
 */
export class BotApp implements EventSink {
  private inflight = new Set<Promise<unknown>>();
  private lanes = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly routes: RouteTable,
    readonly services: Services,
  ) {}

  get log(): Logger {
    return this.services.log;
  }

  async intake(event: BotEvent): Promise<IntakeResult> {
    const recorded = await this.record(event);
    if (recorded !== 'accepted') return recorded;
    this.track(this.inLane(event, () => this.processRecord(`${event.channel}:${event.id}`)));
    return 'accepted';
  }

  async intakeAndWait(event: BotEvent, waitMs: number): Promise<{ result: IntakeResult } & Outcome> {
    const recorded = await this.record(event);
    if (recorded !== 'accepted') return { result: recorded };
    const work = this.inLane(event, () => this.processRecord(`${event.channel}:${event.id}`));
    this.track(work);
    const outcome = await Promise.race([work, new Promise<undefined>((r) => setTimeout(() => r(undefined), waitMs).unref())]);
    return { result: 'accepted', ...(outcome ?? { toast: '已收到，正在处理…' }) };
  }

  /** Stops intake and waits for work in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Processes events a crashed or stopped instance recorded but did not finish. */
  async recover(now = new Date()): Promise<number> {
    const stale = await InboundEvent.find({
      status: { $in: ['received', 'processing'] },
      receivedAt: { $lt: new Date(now.getTime() - RECOVER_AFTER_MS) },
      attempts: { $lt: MAX_ATTEMPTS },
    })
      .sort({ receivedAt: 1 })
      .limit(100)
      .lean();
    for (const rec of stale) {
      this.log.warn({ eventKey: rec._id, status: rec.status, attempts: rec.attempts }, 'recovering unfinished event');
      await this.processRecord(rec._id, rec.status as 'received' | 'processing');
    }
    return stale.length;
  }

  /**
   * One person's messages in one chat are handled in arrival order (a form's answers must not
   * overtake each other); different conversations run in parallel.
   */
  private inLane<T>(event: BotEvent, work: () => Promise<T>): Promise<T> {
    const key = `${event.channel}:${event.chat.id}:${event.userId}`;
    const prev = this.lanes.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(key, settled);
    void settled.then(() => {
      if (this.lanes.get(key) === settled) this.lanes.delete(key);
    });
    return next;
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async record(event: BotEvent): Promise<IntakeResult> {
    if (this.stopping) return 'stopped';
    try {
      await InboundEvent.create({ _id: `${event.channel}:${event.id}`, channel: event.channel, event, receivedAt: event.receivedAt });
      return 'accepted';
    } catch (err) {
      if ((err as { code?: number }).code === 11000) {
        this.log.info({ eventKey: `${event.channel}:${event.id}` }, 'duplicate delivery ignored');
        return 'duplicate';
      }
      throw err;
    }
  }

  private async processRecord(key: string, from: 'received' | 'processing' = 'received'): Promise<Outcome | undefined> {
    const seen = await InboundEvent.findById(key).lean();
    if (!seen || seen.status !== from) return undefined;
    // one attempt number is taken by one processor, even when a recovery sweep races the intake
    if (!(await claimOnce(`inbox:${key}#${seen.attempts}`))) return undefined;
    const rec = await InboundEvent.findOneAndUpdate(
      { _id: key },
      { $set: { status: 'processing', attempts: seen.attempts + 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!rec) return undefined;
    const event = rec.event as BotEvent;
    event.receivedAt = new Date(event.receivedAt);
    const outcome: Outcome = {};
    let refId: string | null = null;
    try {
      const ctx = await this.createContext(event, outcome);
      try {
        await this.dispatch(ctx);
      } catch (err) {
        refId = await this.fail(ctx, err);
        outcome.toast = ERROR_REPLY(refId);
      }
    } catch (err) {
      refId = newRefId();
      this.log.error({ err, refId, eventKey: key }, 'event could not be processed');
    }
    await InboundEvent.updateOne({ _id: key }, { $set: { status: refId ? 'failed' : 'done', finishedAt: new Date(), refId } });
    return outcome;
  }

  /** The one error path: log with context, answer with a reference id, never rethrow. */
  private async fail(ctx: BotContext, err: unknown): Promise<string> {
    const refId = newRefId();
    ctx.log.error({ err, refId }, 'handler failed');
    try {
      if (ctx.event.kind === 'message' || ctx.channel !== 'lark') await ctx.reply(ERROR_REPLY(refId));
    } catch (replyErr) {
      ctx.log.error({ err: replyErr, refId }, 'could not tell the user about the failure');
    }
    return refId;
  }

  async resolveSender(event: Pick<BotEvent, 'channel' | 'userId' | 'userName'>): Promise<Sender | null> {
    const identity = identityKey(event);
    const isBootAdmin = this.services.config.admins.includes(identity);
    const link = await Identity.findById(identity).lean();
    const staff = link ? await Staff.findOne({ _id: link.staffId, active: true }).lean() : null;
    if (!staff && !isBootAdmin) return null;
    const roles = new Set<Role>((staff?.roles ?? []) as Role[]);
    if (isBootAdmin) roles.add('admin');
    return {
      identity,
      staffId: staff ? String(staff._id) : undefined,
      name: staff?.name ?? event.userName ?? '管理员',
      roles,
      phone: staff?.phone,
      post: staff?.post,
      dorm: staff?.dorm,
    };
  }

  private async createContext(event: BotEvent, outcome: Outcome): Promise<BotContext> {
    const sender = await this.resolveSender(event);
    const services = this.services;
    const log = services.log.child({
      eventKey: `${event.channel}:${event.id}`,
      channel: event.channel,
      chatId: event.chat.id,
      isGroup: event.chat.isGroup,
      userId: event.userId,
      staffId: sender?.staffId,
      kind: event.kind,
      action: event.action?.action,
    });
    const replyTarget = { channel: event.channel, chatId: event.chat.id };
    const ctx: BotContext = {
      event,
      channel: event.channel,
      chat: event.chat,
      sender,
      text: normalizeText(event.text ?? ''),
      args: '',
      action: event.action,
      services,
      log,
      reply: (message) => services.outbox.send(replyTarget, message),
      send: (target, message) => services.outbox.send(target, message),
      updateCard: async (card) => {
        outcome.card = card;
        if (event.action?.messageId) await services.outbox.updateCard(event.channel, event.action.messageId, card, replyTarget);
        else await services.outbox.send(replyTarget, card);
      },
      toast: async (text) => {
        if (event.channel === 'lark' && event.kind === 'action') outcome.toast = text;
        else await services.outbox.send(replyTarget, text);
      },
      hasRole: (...roles) => roles.some((r) => sender?.roles.has(r) ?? false),
    };
    return ctx;
  }

  private async dispatch(ctx: BotContext): Promise<void> {
    if (ctx.event.kind === 'action' && ctx.action) {
      await this.runAction(ctx, ctx.action.action);
      return;
    }
    if (ctx.event.attachments?.length && !ctx.text) {
      await this.runAttachment(ctx);
      return;
    }
    if (ctx.sender && (await ctx.services.forms.continue(ctx))) return;

    const button = await this.numericAnswer(ctx);
    if (button) {
      (ctx as { action?: BotContext['action'] }).action = { action: button.action, value: button.value ?? {} };
      await this.runAction(ctx, button.action);
      return;
    }

    const match = matchCommand(this.routes, ctx.text);
    if (!match) {
      if (!ctx.sender) await ctx.reply(await unknownSenderText(ctx.event));
      else await ctx.reply(`没有听懂「${echo(stripCommandPrefix(ctx.text))}」。发送「帮助」查看你能用的命令。`);
      return;
    }
    ctx.args = match.args;
    if (!ctx.sender && match.route.allow !== 'anyone') {
      await ctx.reply(await unknownSenderText(ctx.event));
      return;
    }
    if (!isAllowed(match.route.allow, ctx)) {
      ctx.log.info({ command: match.route.name }, 'refused: role');
      await ctx.reply(refusal(match.route.allow, match.route.words[0]!));
      return;
    }
    ctx.log.debug({ command: match.route.name }, 'command');
    await match.route.handler(ctx);
  }

  private async runAttachment(ctx: BotContext): Promise<void> {
    const route = this.routes.attachment;
    if (!ctx.sender) {
      await ctx.reply(await unknownSenderText(ctx.event));
      return;
    }
    if (!route || !isAllowed(route.allow, ctx)) {
      await ctx.reply(ATTACHMENT_UNUSED);
      return;
    }
    await route.handler(ctx);
  }

  private async runAction(ctx: BotContext, action: string): Promise<void> {
    if (!ctx.sender) {
      await ctx.toast(await unknownSenderText(ctx.event));
      return;
    }
    if (action === FORM_SUBMIT_ACTION) {
      await ctx.services.forms.submitCard(ctx);
      return;
    }
    const route = matchAction(this.routes, action);
    if (!route) {
      await ctx.toast('这个按钮已失效，请重新发起。');
      return;
    }
    if (!isAllowed(route.allow, ctx)) {
      ctx.log.info({ action }, 'refused: role');
      await ctx.toast(refusal(route.allow, '这个操作'));
      return;
    }
    await route.handler(ctx);
  }

  /** "2" answers button 2 of the last text-rendered card in this chat. */
  private async numericAnswer(ctx: BotContext): Promise<CardButton | undefined> {
    if (ctx.channel === 'lark') return undefined;
    const m = /^(\d{1,2})$/.exec(stripCommandPrefix(ctx.text));
    if (!m) return undefined;
    const prompt = await CardPrompt.findById(`${ctx.channel}:${ctx.chat.id}`).lean();
    if (!prompt || prompt.expiresAt < ctx.services.now()) return undefined;
    return (prompt.buttons as CardButton[])[Number(m[1]) - 1];
  }
}

function refusal(allow: Allow, what: string): string {
  const need = Array.isArray(allow) ? (allow as Role[]).map((r) => ROLE_LABELS[r]).join('或') : '已绑定的员工';
  return `你没有权限使用「${what}」，需要${need}。如有需要请联系行政部。`;
}
