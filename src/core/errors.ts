import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { BotEvent, Channel } from './types.ts';

/** What a person is told when their message failed: the reference id is what they give the admin. */
export const ERROR_REPLY = (ref: string) => `抱歉，处理出错了（编号 ${ref}）。请稍后再试；如果一直不行，把编号告诉管理员。`;

export function newRefId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

/** Where an error happened: enough to find it in the log from the reference id alone. */
export interface ErrorScope {
  /** What failed, as the log line says it (e.g. `handler failed`). */
  what: string;
  /** The inbound event being taken in or processed. */
  event?: BotEvent;
  /** A scheduled job's run. */
  job?: { name: string; slot: Date };
  /** The channel, when the failure came before there was an event (a receiver's request). */
  channel?: Channel;
  /** The reference id already given for this failure; a new one is made otherwise. */
  refId?: string;
  /** Anything else worth a field in the log line (a platform's event id, the sender's staff id). */
  detail?: Record<string, unknown>;
}

/**
 * The bot's one error hook, shared by handlers, scheduled jobs, the delivery pipeline and the
 * receivers: logs the error with its context and returns the reference id (编号) the person sees,
 * so an admin given the id finds the one log line that explains it.
 */
export type OnError = (err: unknown, scope: ErrorScope) => string;

export function errorHook(log: Logger): OnError {
  return (err, { what, event, job, channel, refId = newRefId(), detail }) => {
    log.error(
      {
        err,
        refId,
        ...(event
          ? {
              eventKey: `${event.channel}:${event.id}`,
              channel: event.channel,
              chatId: event.chat.id,
              isGroup: event.chat.isGroup,
              userId: event.userId,
              kind: event.kind,
              action: event.action?.action,
            }
          : {}),
        ...(job ? { job: job.name, slot: job.slot.toISOString() } : {}),
        ...(channel && !event ? { channel } : {}),
        ...detail,
      },
      what,
    );
    return refId;
  };
}
