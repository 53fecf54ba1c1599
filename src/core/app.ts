import type { BotContext, Sender, Services } from './context.ts';
import { dispatch } from './dispatch.ts';
import { ERROR_REPLY } from './errors.ts';
import { isDatabaseUnavailable, type ReplyLedger } from './inbox.ts';
import type { Attempt, Processed } from './pipeline.ts';
import type { RouteTable } from './router.ts';
import { resolveSender, watchSenderWrites } from './senders.ts';
import { normalizeText } from './text.ts';
import type { BotEvent } from './types.ts';

export { ATTACHMENT_UNUSED } from './dispatch.ts';
export { ERROR_REPLY, newRefId } from './errors.ts';
export { MAX_ATTEMPTS } from './pipeline.ts';

export { DISABLED_REPLY, HOW_TO_BIND, identityKey, invalidateSender, unknownSenderText } from './senders.ts';

/**
 * What processing an event means: who is writing, the context handlers see, the route table, and
 * the one error path — whatever a handler throws is logged by `services.onError` and answered with
 * its reference id. Getting the event here exactly once, and its replies out once, is the delivery
 * pipeline's (src/core/pipeline.ts), which calls `process` for each attempt.
 */
export class BotApp {
  constructor(
    private readonly routes: RouteTable,
    readonly services: Services,
  ) {
    watchSenderWrites();
  }

  /** One attempt at a recorded event; its messages go through `attempt.ledger`, so a re-run sends each once. */
  async process(event: BotEvent, attempt: Attempt): Promise<Processed> {
    const sender = await this.resolveSender(event);
    const outcome: Processed = {};
    const ctx = this.createContext(event, outcome, attempt.ledger, sender);
    try {
      await dispatch(this.routes, ctx);
    } catch (err) {
      // the database is away: the pipeline leaves the event to a later attempt instead
      if (isDatabaseUnavailable(err)) throw err;
      outcome.refId = await this.fail(ctx, err);
      outcome.toast = ERROR_REPLY(outcome.refId);
    }
    return outcome;
  }

  /** The one error path of a handler: logged with its context, answered with a reference id, never rethrown. */
  private async fail(ctx: BotContext, err: unknown): Promise<string> {
    const scope = { event: ctx.event, detail: { staffId: ctx.sender?.staffId } };
    const refId = this.services.onError(err, { ...scope, what: 'handler failed' });
    try {
      // a click on a channel with toasts gets the error as its toast (process sets it)
      if (ctx.event.kind === 'message' || !ctx.can.toasts) await ctx.reply(ERROR_REPLY(refId));
    } catch (replyErr) {
      this.services.onError(replyErr, { ...scope, refId, what: 'could not tell the user about the failure' });
    }
    return refId;
  }

  private resolveSender(event: Pick<BotEvent, 'channel' | 'userId' | 'userName'>): Promise<Sender | null> {
    return resolveSender(event, this.services.config.admins);
  }

  private createContext(event: BotEvent, outcome: Processed, ledger: ReplyLedger, sender: Sender | null): BotContext {
    // every message this event sends, also through services (notify), is numbered and recorded
    const services: Services = { ...this.services, outbox: this.services.outbox.forEvent(ledger) };
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
    // a card answering someone in a group is theirs: only their number presses it
    const addressing = { audience: event.userId };
    const can = services.outbox.capabilities(event.channel);
    const ctx: BotContext = {
      event,
      channel: event.channel,
      can,
      chat: event.chat,
      sender,
      text: normalizeText(event.text ?? ''),
      args: '',
      action: event.action,
      services,
      log,
      reply: (message) => services.outbox.send(replyTarget, message, addressing),
      send: (target, message) => services.outbox.send(target, message),
      updateCard: async (card) => {
        if (event.action?.messageId)
          await services.outbox.updateCard(event.channel, event.action.messageId, card, replyTarget, addressing);
        else await services.outbox.send(replyTarget, card, addressing);
      },
      toast: async (text) => {
        if (can.toasts && event.kind === 'action') outcome.toast = text;
        else await services.outbox.send(replyTarget, text);
      },
      hasRole: (...roles) => roles.some((r) => sender?.roles.has(r) ?? false),
    };
    return ctx;
  }
}
