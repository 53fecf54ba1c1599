import { Identity, Staff, onPeopleWrite } from '../models/index.ts';
import type { BotEvent, Role } from './types.ts';
import type { Sender } from './context.ts';

/**
 * Who is writing, cached: every event needs it and it costs two reads (Identity, then Staff).
 * Only people who may use the bot are cached — an unknown or disabled sender is looked up each
 * time, so a new binding counts at once. Any write to staff or identities made through mongoose in
 * this process clears the cache (a disabled person is refused at once on the instance that disabled
 * them); another instance sees the change within `SENDER_CACHE_MS`.
 */
export const SENDER_CACHE_MS = 5000;
const MAX_CACHED = 10_000;

type Cached = { sender: Omit<Sender, 'roles'> & { roles: Role[] }; at: number };
const cache = new Map<string, Cached>();
/** Bumped by every clear: a lookup that raced a write does not cache what it read. */
let generation = 0;
let watching = false;

/** Forgets cached senders: one identity, or all when none is given. Called on every staff/identity write. */
export function invalidateSender(identity?: string): void {
  generation++;
  if (identity === undefined) cache.clear();
  else cache.delete(identity);
}

/** Clears the cache on any write to staff or identities, whichever code makes it (schema hooks in src/models/people.ts). */
export function watchSenderWrites(): void {
  if (watching) return;
  watching = true;
  onPeopleWrite(() => invalidateSender());
}

export const HOW_TO_BIND =
  '你好！你还没有绑定员工身份，暂时无法使用。\n请向行政部管理员索取绑定码，然后发送：绑定 绑定码\n例如：绑定 K7P2QX9M';

export const DISABLED_REPLY = '你的员工账号已停用，暂时无法使用。如有疑问请联系行政部。';

/** What someone the bot cannot serve is told: a disabled person so; anyone else how to bind. */
export async function unknownSenderText(event: Pick<BotEvent, 'channel' | 'userId'>): Promise<string> {
  const link = await Identity.findById(identityKey(event)).lean();
  return link ? DISABLED_REPLY : HOW_TO_BIND;
}

export function identityKey(event: Pick<BotEvent, 'channel' | 'userId'>): string {
  return `${event.channel}:${event.userId}`;
}

/** The sender of an event, or null when they may not use the bot. */
export async function resolveSender(event: Pick<BotEvent, 'channel' | 'userId' | 'userName'>, admins: readonly string[], now = Date.now()): Promise<Sender | null> {
  const identity = identityKey(event);
  const isBootAdmin = admins.includes(identity);
  const hit = cache.get(identity);
  if (hit && now - hit.at < SENDER_CACHE_MS) return toSender(hit.sender, isBootAdmin);
  const gen = generation;
  const link = await Identity.findById(identity).lean();
  // by _id alone: FerretDB 1.24 answers only a bare `{_id}` filter from its key, anything more is a scan
  const found = link ? await Staff.findById(link.staffId).lean() : null;
  const staff = found?.active ? found : null;
  if (!staff && !isBootAdmin) {
    cache.delete(identity);
    return null;
  }
  const sender = {
    identity,
    staffId: staff ? String(staff._id) : undefined,
    name: staff?.name ?? event.userName ?? '管理员',
    roles: (staff?.roles ?? []) as Role[],
    phone: staff?.phone,
    post: staff?.post,
    dorm: staff?.dorm,
  };
  if (staff && gen === generation) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(identity, { sender, at: now });
  }
  return toSender(sender, isBootAdmin);
}

function toSender(s: Cached['sender'], isBootAdmin: boolean): Sender {
  const roles = new Set<Role>(s.roles);
  if (isBootAdmin) roles.add('admin');
  return { ...s, roles };
}
