import * as lark from '@larksuiteoapi/node-sdk';
import { RateLimitedError } from '../../core/outbox.ts';
import { type Card, cardOf, isFileMessage, type Outgoing, type SentRef, type Target } from '../../core/types.ts';
import type { Logger } from '../../logger.ts';
import { renderLarkCard } from './card.ts';
import { asApiError, DEFAULT_RATE_LIMIT_WAIT_MS, FREQUENCY_LIMIT_CODES, LarkApiError, sdkLogger } from './errors.ts';
import { uploadParts } from './files.ts';
import { forwardPictures } from './pictures.ts';
import { bodyBytes, CardTooLargeError, LARK_CARD_MAX_BYTES, messageParts, sendParts } from './sending.ts';

// ─────────────────────────────────────────────────────────────────────────────
// Outgoing: the Open API client and the calls the bot makes with it (send, card update), each
// answer checked the same way.
// ─────────────────────────────────────────────────────────────────────────────

export function toDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

export function larkClient(opts: { appId: string; appSecret: string; domain: string }, log: Logger): lark.Client {
  return new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: toDomain(opts.domain),
    // a cache of its own: the SDK's default one is shared by every client of the same appId
    cache: new lark.DefaultCache(),
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
  });
}

/** A 200 with `code != 0` is returned by the SDK, not thrown: both become errors here. */
export async function larkCall<T extends { code?: number; msg?: string }>(
  operation: string,
  fn: () => Promise<T>,
): Promise<T> {
  let res: T;
  try {
    res = await fn();
  } catch (err) {
    throw asApiError(operation, err);
  }
  if (res?.code === 0) return res;
  if (res?.code !== undefined && FREQUENCY_LIMIT_CODES.has(res.code))
    throw new RateLimitedError(DEFAULT_RATE_LIMIT_WAIT_MS, `lark ${operation}: rate limited (code ${res.code})`);
  throw new LarkApiError(operation, 200, res?.code, res?.msg);
}

/** `uuid`: one message per uuid within an hour (a re-sent reply arrives once); too big for one request, it goes in parts. */
export async function sendMessage(
  client: lark.Client,
  log: Logger,
  target: Target,
  message: Outgoing,
  uuid?: string,
): Promise<SentRef> {
  const [receiveIdType, receiveId] =
    'chatId' in target ? (['chat_id', target.chatId] as const) : (['open_id', target.userId] as const);
  const data = (msgType: string, content: string, part?: number) => ({
    receive_id: receiveId,
    msg_type: msgType,
    content,
    ...(uuid ? { uuid: part === undefined ? uuid : `${uuid}-${part}` } : {}),
  });
  // a file is uploaded first and sent as a file or image message, after its caption
  const parts = isFileMessage(message)
    ? await uploadParts(client, message)
    : messageParts(message, (msgType, content) => bodyBytes(data(msgType, content, 99)));
  if (parts.length > 1 && !isFileMessage(message))
    log.info({ parts: parts.length, kind: parts[0]!.msgType }, 'lark message over the size limit sent in parts');
  const messageId = await sendParts(parts, async (part, i) => {
    const res = await larkCall('send', () =>
      client.im.message.create({
        params: { receive_id_type: receiveIdType },
        data: data(part.msgType, part.content, parts.length > 1 ? i + 1 : undefined),
      }),
    );
    return res.data?.message_id;
  });
  const card = cardOf(message);
  if (card)
    await forwardPictures(client, (fn) => larkCall('forward', fn), card.pictures ?? [], {
      receiveIdType,
      receiveId,
      uuid,
    });
  return { channel: 'lark', messageId };
}

/** A card too big for one update is refused here (one message cannot become several): the outbox sends it anew. */
export async function updateCardMessage(client: lark.Client, messageId: string, card: Card): Promise<void> {
  const content = JSON.stringify(renderLarkCard(card));
  const bytes = bodyBytes({ content });
  if (bytes > LARK_CARD_MAX_BYTES) throw new CardTooLargeError(card.title, bytes);
  await larkCall('card update', () => client.im.message.patch({ path: { message_id: messageId }, data: { content } }));
}
