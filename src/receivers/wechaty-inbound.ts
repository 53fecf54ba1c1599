import { type Contact, type Message, type Room, types } from 'wechaty';
import type { BotEvent } from '../core/types.ts';

/*
 * A WeChat message as the app sees it (a BotEvent), or nothing when it is not for the bot: the
 * bot's own, an official account's, a group message that neither mentions the bot nor starts with a
 * slash, or a kind of message no handler reads.
 */

/** What the receiver learns from, and does for, a message on its way in. */
export interface InboundHooks {
  /** The bot's own account, for stripping its mention (asked only when it was mentioned). */
  self(): Contact;
  /** The puppet said this chat is a group, or private. */
  chatKind(chatId: string, isGroup: boolean): void;
  /** A person sent something other than text in a private chat. */
  notText(talker: Contact): Promise<void>;
}

/**
 * Things a person deliberately sends. Recalls, system notes, transfers and red envelopes also arrive
 * as messages; answering those with a hint would be noise.
 */
const PERSON_SENT_TYPES = new Set<types.Message>([
  types.Message.Attachment,
  types.Message.Audio,
  types.Message.ChatHistory,
  types.Message.Contact,
  types.Message.Emoticon,
  types.Message.Image,
  types.Message.Location,
  types.Message.MiniProgram,
  types.Message.Url,
  types.Message.Video,
]);

/** In groups people address the bot with a leading slash, half- or full-width. */
const COMMAND_PREFIX = /^\s*[/／]/;

/** The message as the app sees it, or undefined when it is not for the bot. */
export async function toBotEvent(msg: Message, on: InboundHooks): Promise<BotEvent | undefined> {
  if (msg.self()) return undefined;
  const talker = msg.talker();
  // subscription accounts write to the bot too; they cannot bind and must not get answers
  if (talker.type() === types.Contact.Official) return undefined;
  const room = msg.room();
  const type = msg.type();
  // what the puppet says about this chat, not the shape of its id (ids differ by puppet)
  if (room) on.chatKind(room.id, true);
  else on.chatKind(talker.id, false);

  if (type !== types.Message.Text) {
    const kind = type === types.Message.Image ? 'image' : type === types.Message.Attachment ? 'file' : undefined;
    if (!room && kind) {
      // a reference only: the picture stays on WeChat and can be fetched again by message id
      return {
        id: msg.id,
        channel: 'wechat',
        chat: { id: talker.id, isGroup: false, name: talker.name() },
        userId: talker.id,
        userName: talker.name(),
        kind: 'message',
        text: '',
        attachments: [{ kind, ref: `wechat:${msg.id}` }],
        receivedAt: new Date(),
      };
    }
    if (!room && PERSON_SENT_TYPES.has(type)) await on.notText(talker);
    return undefined;
  }

  let text = msg.text();
  if (room) {
    const mentioned = await msg.mentionSelf();
    if (!mentioned && !COMMAND_PREFIX.test(text)) return undefined;
    if (mentioned) text = await withoutSelfMention(on.self(), room, text);
  }

  return {
    id: msg.id,
    channel: 'wechat',
    chat: room
      ? { id: room.id, isGroup: true, name: await room.topic().catch(() => undefined) }
      : { id: talker.id, isGroup: false, name: talker.name() },
    userId: talker.id,
    userName: talker.name(),
    kind: 'message',
    text,
    receivedAt: new Date(),
  };
}

/**
 * Removes only "@<bot>" so that other mentions stay in the text for the command to read
 * (`mentionText()` would remove every mentioned name). WeChat writes the name the bot has in that
 * group, else its own name, followed by U+2005.
 */
async function withoutSelfMention(self: Contact, room: Room, text: string): Promise<string> {
  const names = [await room.alias(self).catch(() => undefined), self.name()].filter((n): n is string => !!n);
  let out = text;
  for (const name of names) {
    out = out.replace(new RegExp(`@${escapeRegExp(name)}(?:\u2005|\\s|$)`, 'u'), ' ');
  }
  return out.trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
