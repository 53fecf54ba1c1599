import { createHash } from 'node:crypto';
import type { Attachment, BotEvent } from '../../core/types.ts';

// ─────────────────────────────────────────────────────────────────────────────
// Inbound shapes. The SDK's EventDispatcher hands handlers the v2 envelope flattened
// (`{...header, ...event}`); the webhook path flattens the same way, so one converter serves both.
// ─────────────────────────────────────────────────────────────────────────────

export interface LarkMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
}

/** im.message.receive_v1, flattened (header fields at the top). */
export interface LarkMessageEventData {
  event_id?: string;
  create_time?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string; union_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: LarkMention[];
  };
}

/** card.action.trigger, flattened (note: the event's `token` is the card token, not the verification token). */
export interface LarkCardActionData {
  event_id?: string;
  token?: string;
  create_time?: string;
  operator?: { open_id?: string; user_id?: string; union_id?: string; name?: string };
  action?: { value?: unknown; form_value?: unknown; tag?: string; name?: string; option?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
  open_message_id?: string;
  open_chat_id?: string;
}

export type MessageConversion =
  | { kind: 'event'; event: BotEvent }
  /** A message the bot cannot read (image, file, sticker…) sent to it in private. */
  | { kind: 'unsupported'; messageType: string; chatId: string; messageId: string }
  /**
   * A group message that @-mentions someone while the bot does not know its own open_id yet: only
   * that says whether it is for the bot, so it is left for Lark to push again (not recorded).
   */
  | { kind: 'wait'; reason: string }
  | { kind: 'ignored'; reason: string };

export interface ConvertOptions {
  /** The bot's own open_id, once known: in a group only mentions of it address the bot. */
  botOpenId?: string;
  now?: Date;
}

/** What a person wrote: the text as sent, any pictures, and whom a post @s. */
export interface Written {
  text: string;
  attachments?: Attachment[];
  /** open_ids (or mention keys) of the `at` elements of a post. */
  at: string[];
}

/**
 * An im.message.receive_v1 event as a BotEvent. Text and rich text (`post`) are read; in private a
 * picture or file passes on as an attachment. In a group the bot only answers what is addressed to
 * it: a message that @-mentions the bot's own open_id (mentions[], which lists the mentions of a
 * post too) or whose text starts with `/` (the core strips it). The `@_user_N` placeholders are
 * removed; a bare @mention reads as 帮助.
 */
export function messageEventToBotEvent(data: LarkMessageEventData, opts: ConvertOptions = {}): MessageConversion {
  const msg = data.message;
  if (!msg?.message_id || !msg.chat_id) return { kind: 'ignored', reason: 'malformed: no message or chat id' };
  if (data.sender?.sender_type && data.sender.sender_type !== 'user')
    return { kind: 'ignored', reason: `sender is ${data.sender.sender_type}` };
  const userId = data.sender?.sender_id?.open_id;
  if (!userId) return { kind: 'ignored', reason: 'malformed: no sender open_id' };
  const isGroup = msg.chat_type !== 'p2p';

  const event = (text: string, attachments?: Attachment[]): MessageConversion => ({
    kind: 'event',
    event: {
      id: msg.message_id!,
      channel: 'lark',
      chat: { id: msg.chat_id!, isGroup },
      userId,
      kind: 'message',
      text,
      ...(attachments?.length ? { attachments } : {}),
      receivedAt: opts.now ?? new Date(),
    },
  });
  let written: Written | undefined;
  if (msg.message_type === 'text') {
    const raw = parseTextContent(msg.content);
    if (raw === undefined) return { kind: 'ignored', reason: 'malformed: text content is not {"text": …}' };
    written = { text: raw, at: [] };
  } else if (msg.message_type === 'post') {
    written = readPost(msg.message_id, msg.content);
    if (!written) return { kind: 'ignored', reason: 'malformed: post content is not {title, content: [[…]]}' };
  } else {
    if (isGroup) return { kind: 'ignored', reason: `${msg.message_type} message in a group` };
    const attachment = attachmentOf(msg.message_id, msg.message_type, msg.content);
    if (!attachment)
      return {
        kind: 'unsupported',
        messageType: String(msg.message_type),
        chatId: msg.chat_id,
        messageId: msg.message_id,
      };
    return event('', [attachment]);
  }

  const text = written.text
    .replace(/@_user_\d+|@_all/g, ' ')
    .replace(/[ \t\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
  if (isGroup && !/^[/／]/.test(text)) {
    const mentioned = [...(msg.mentions ?? []).map((m) => m.id?.open_id), ...written.at];
    if (!mentioned.some(Boolean)) return { kind: 'ignored', reason: 'group message not addressed to the bot' };
    if (!opts.botOpenId)
      return { kind: 'wait', reason: 'group message @s someone and the bot does not know its open_id yet' };
    if (!mentioned.includes(opts.botOpenId))
      return { kind: 'ignored', reason: 'group message not addressed to the bot' };
  }
  if (!text && written.attachments?.length) return event('', written.attachments);
  return event(text || '帮助', written.attachments);
}

/** One element of a post paragraph, as Lark sends it (接收消息内容结构 → 富文本 post). */
interface PostElement {
  tag?: string;
  text?: unknown;
  href?: unknown;
  user_id?: unknown;
  image_key?: unknown;
}

/** Locales a post may be wrapped in (`{"zh_cn": {title, content}}`), the ones staff use first. */
const POST_LOCALES = ['zh_cn', 'en_us', 'ja_jp'];

/**
 * A rich-text message's text, one line per paragraph after its title: text, links (their text)
 * and code as written; `at` elements are left out (the mentions list says who they are) but
 * remembered for addressing; pictures become attachments; anything else (emotions, rules, media) is
 * dropped. The content arrives as `{title, content}`, or wrapped by locale as it is sent.
 */
export function readPost(messageId: string, content: string | undefined): Written | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content ?? '');
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  let body = parsed as { title?: unknown; content?: unknown };
  if (!('content' in body) && !('title' in body)) {
    const wrapped = parsed as Record<string, unknown>;
    const locale = POST_LOCALES.find((l) => wrapped[l] && typeof wrapped[l] === 'object') ?? Object.keys(wrapped)[0];
    const inner = locale === undefined ? undefined : wrapped[locale];
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return undefined;
    body = inner as typeof body;
  }
  const paragraphs = Array.isArray(body.content) ? body.content : [];
  const lines: string[] = typeof body.title === 'string' && body.title.trim() ? [body.title] : [];
  const at: string[] = [];
  const attachments: Attachment[] = [];
  for (const paragraph of paragraphs) {
    if (!Array.isArray(paragraph)) continue;
    let line = '';
    for (const el of paragraph as PostElement[]) {
      if (!el || typeof el !== 'object') continue;
      if (el.tag === 'at') {
        if (typeof el.user_id === 'string') at.push(el.user_id);
        line += ' ';
      } else if (el.tag === 'img') {
        if (typeof el.image_key === 'string' && el.image_key)
          attachments.push({ kind: 'image', ref: `lark:${messageId}:${el.image_key}` });
      } else if (el.tag === 'text' || el.tag === 'a' || el.tag === 'code_block' || el.tag === 'md') {
        const t = typeof el.text === 'string' ? el.text : el.tag === 'a' && typeof el.href === 'string' ? el.href : '';
        line += t;
      }
    }
    lines.push(line);
  }
  return { text: lines.join('\n'), at, ...(attachments.length ? { attachments } : {}) };
}

/** A picture or file message as a reference the Open API can fetch again (message id + key). */
function attachmentOf(
  messageId: string,
  type: string | undefined,
  content: string | undefined,
): Attachment | undefined {
  if (type !== 'image' && type !== 'file') return undefined;
  try {
    const c = JSON.parse(content ?? '{}') as { image_key?: string; file_key?: string; file_name?: string };
    const key = type === 'image' ? c.image_key : c.file_key;
    if (!key) return undefined;
    return { kind: type, ref: `lark:${messageId}:${key}`, name: c.file_name };
  } catch {
    return undefined;
  }
}

/**
 * A card.action.trigger callback (button click or form submit) as a BotEvent. The button's value
 * carries the route key in `action`; the rest of it, and the form's values, become strings.
 * `isGroup` says whether the chat is a group when the receiver knows it; unknown counts as a group,
 * so phone numbers stay masked.
 */
export function cardActionToBotEvent(
  data: LarkCardActionData,
  opts: { now?: Date; isGroup?: (chatId: string) => boolean | undefined } = {},
): BotEvent | null {
  const userId = data.operator?.open_id;
  const value = toStringRecord(parseMaybeJson(data.action?.value));
  const action = value.action;
  if (!userId || !action) return null;
  delete value.action;
  const chatId = data.context?.open_chat_id ?? data.open_chat_id ?? `p2p-${userId}`;
  const messageId = data.context?.open_message_id ?? data.open_message_id;
  const formValue = data.action?.form_value;
  const form = formValue === undefined || formValue === null ? undefined : toStringRecord(formValue);
  const ticked = formValue === undefined || formValue === null ? undefined : listsOf(formValue);
  const id =
    data.event_id ??
    `h${createHash('sha256')
      .update(
        [data.token ?? '', userId, data.create_time ?? '', messageId ?? '', JSON.stringify(data.action ?? {})].join(
          '\u0000',
        ),
      )
      .digest('hex')
      .slice(0, 32)}`;
  return {
    id,
    channel: 'lark',
    chat: { id: chatId, isGroup: opts.isGroup?.(chatId) ?? true },
    userId,
    kind: 'action',
    action: {
      action,
      value,
      ...(form ? { form } : {}),
      ...(ticked ? { ticked } : {}),
      ...(messageId ? { messageId } : {}),
    },
    receivedAt: opts.now ?? new Date(),
  };
}

function parseTextContent(content: string | undefined): string | undefined {
  if (typeof content !== 'string') return undefined;
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed?.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return {};
  }
}

/**
 * The lists of a submitted form (multi_select_static sends the ticked option values as an array),
 * each item as a string; undefined when the form has none. Forms check them against the options.
 */
function listsOf(v: unknown): Record<string, string[]> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const lists = Object.entries(v as Record<string, unknown>).filter((e): e is [string, unknown[]] =>
    Array.isArray(e[1]),
  );
  if (!lists.length) return undefined;
  return Object.fromEntries(
    lists.map(([k, items]) => [k, items.map((e) => (typeof e === 'object' ? JSON.stringify(e) : String(e)))]),
  );
}

/** Card values and form inputs as strings: handlers only ever see `Record<string, string>`. */
function toStringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || x === undefined) out[k] = '';
    else if (Array.isArray(x)) out[k] = x.map((e) => (typeof e === 'object' ? JSON.stringify(e) : String(e))).join(',');
    else if (typeof x === 'object') out[k] = JSON.stringify(x);
    else out[k] = String(x);
  }
  return out;
}
