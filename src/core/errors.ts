import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { OnError } from './types.ts';

// declared with the event types (they name BotEvent; the EventSink carries the hook), used from here
export type { ErrorScope, OnError } from './types.ts';

/** What a person is told when their message failed: the reference id is what they give the admin. */
export const ERROR_REPLY = (ref: string) =>
  `抱歉，处理出错了（编号 ${ref}）。请稍后再试；如果一直不行，把编号告诉管理员。`;

export function newRefId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

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
