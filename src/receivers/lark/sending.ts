import { RateLimitedError } from '../../core/outbox.ts';
import type { Card, ChannelLimits, FileMessage, Outgoing } from '../../core/types.ts';
import { renderLarkCard, splitCard } from './card.ts';

/*
 * What a Lark send must keep to: the send limits the outbox paces to, and the size of one request,
 * with a message too big for one request cut into several.
 */

/**
 * Lark's limits (PLATFORM-NOTES): 50 messages/s per app and 5/s per chat. The platform counts
 * arrivals, which jitter after we send: with 50 per 1.1 s a 300-dorm roll call drew 8 429s in 609
 * sends, because a window lets its sends go out in a burst. One send every 21 ms (47.6/s) spread
 * them evenly and drew none, but made a reply wait up to 21 ms behind any other send, even at low
 * load. 4 per any 84 ms keeps the same bound (at most 48 in any second) with bursts of 4 at most.
 */
export const LARK_LIMITS: ChannelLimits = {
  // and 1,000 a minute (发送消息: "接口频率限制 1000 次/分钟、50 次/秒"), with the same room for jitter
  perApp: [
    { intervalCap: 4, interval: 84 },
    { intervalCap: 990, interval: 61_000 },
  ],
  perChat: { intervalCap: 5, interval: 1100 },
};

/**
 * The largest request body sent for a card, and for a text. Lark refuses more than 30 KB for a card
 * and 150 KB for a text (发送消息, content: "文本消息请求体最大不能超过 150 KB。卡片消息、富文本消息请求
 * 体最大不能超过 30 KB"; the same for 更新应用发送的消息卡片, code 230025) and says styles can make
 * what it counts larger than what was sent ("如果消息中包含样式标签，会使实际消息体长度大于您输入的请求
 * 体长度"): the bot keeps 2 KB and 10 KB below.
 */
export const LARK_CARD_MAX_BYTES = 28 * 1024;
export const LARK_TEXT_MAX_BYTES = 140 * 1024;

/** A card the bot will not send: it does not fit Lark's limit and cannot be split (a form). */
export class CardTooLargeError extends Error {
  constructor(
    readonly title: string,
    readonly bytes: number,
  ) {
    super(
      `lark card 「${title}」 is ${bytes} bytes, over the ${LARK_CARD_MAX_BYTES}-byte limit, and has a form that cannot be split`,
    );
    this.name = 'CardTooLargeError';
  }
}

export function bodyBytes(data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(data));
}

/** A text cut at line ends (a line longer than all of it, at characters) into pieces that each `fit`. */
export function splitText(text: string, fits: (t: string) => boolean): string[] {
  if (fits(text)) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const joined = current ? `${current}\n${line}` : line;
    if (fits(joined)) {
      current = joined;
      continue;
    }
    if (current) pieces.push(current);
    current = line;
    while (!fits(current)) {
      const chars = Array.from(current);
      let n = chars.length;
      while (n > 1 && !fits(chars.slice(0, n).join(''))) n = Math.floor(n * 0.9);
      pieces.push(chars.slice(0, n).join(''));
      current = chars.slice(n).join('');
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** One request's worth of a message: its msg_type and content. */
export interface MessagePart {
  /** `file` and `image` are a file's parts (files.ts), sent the same way. */
  msgType: 'text' | 'interactive' | 'file' | 'image';
  content: string;
}

/**
 * `message` as the requests that carry it, each within Lark's limit (`bytes` measures a request
 * with that msg_type and content): one, or several when it is too big. A card whose form alone
 * does not fit is refused (CardTooLargeError).
 */
export function messageParts(
  message: Exclude<Outgoing, FileMessage>,
  bytes: (msgType: MessagePart['msgType'], content: string) => number,
): MessagePart[] {
  if (typeof message === 'string') {
    const text = (t: string) => JSON.stringify({ text: t });
    return splitText(message, (t) => bytes('text', text(t)) <= LARK_TEXT_MAX_BYTES).map((t) => ({
      msgType: 'text',
      content: text(t),
    }));
  }
  const card = (c: Card) => JSON.stringify(renderLarkCard(c));
  const cards = splitCard(message, (c) => bytes('interactive', card(c)) <= LARK_CARD_MAX_BYTES);
  if (!cards) throw new CardTooLargeError(message.title, bytes('interactive', card(message)));
  return cards.map((c) => ({ msgType: 'interactive', content: card(c) }));
}

/**
 * Sends the parts in order and returns the last one's message id (it carries the buttons or form).
 * The first part's rate-limit refusal is the outbox's to wait out; a later part waits here, so the
 * parts already sent are not sent again (a send without a uuid would repeat them).
 */
export async function sendParts(
  parts: readonly MessagePart[],
  send: (part: MessagePart, index: number) => Promise<string | undefined>,
): Promise<string | undefined> {
  let messageId: string | undefined;
  for (const [i, part] of parts.entries()) {
    for (;;) {
      try {
        messageId = await send(part, i);
        break;
      } catch (err) {
        if (i === 0 || !(err instanceof RateLimitedError)) throw err;
        await new Promise((r) => setTimeout(r, err.retryAfterMs));
      }
    }
  }
  return messageId;
}
