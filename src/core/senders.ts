import { performance } from 'node:perf_hooks';
import { Identity, onPeopleWrite, PEOPLE_STAMP_ID, PeopleStamp, Staff } from '../models/index.ts';
import type { Sender } from './context.ts';
import type { BotEvent, Role } from './types.ts';

/**
 * Who is writing, from a directory of every identity and active staff member kept in memory.
 * Looking one person up costs two reads, and on FerretDB 1.24 each scans its collection, so per
 * event that was the largest cost; the directory costs one read of a one-document collection
 * (PeopleStamp) per event instead, and a full reload only when the stamp changed — that is, after
 * any write to staff or identities, on any instance — and in the background once it is older than
 * DIRECTORY_MAX_AGE_MS (changes made outside the bot). A write made by this process clears the
 * directory at once as well.
 */
export const DIRECTORY_MAX_AGE_MS = 60_000;
/**
 * A refresh for age waits at least this many times as long as the last load took, so that reloading
 * costs at most about 2 % of the time: 24,000 people cost FerretDB about 3 s of CPU per reload.
 */
export const REFRESH_SPACING = 50;

/** When a directory loaded at `loadedAt` in `loadMs` is next reloaded for its age. */
export function refreshDueAt(loadedAt: number, loadMs: number): number {
  return loadedAt + Math.max(DIRECTORY_MAX_AGE_MS, REFRESH_SPACING * loadMs);
}

type Person = Omit<Sender, 'roles'> & { roles: Role[] };
interface Directory {
  stamp: string | null;
  loadedAt: number;
  /** How long the load took (wall clock). */
  loadMs: number;
  people: Map<string, Person>;
  /** Identities whose staff record is disabled (told so rather than how to bind). */
  disabled: Set<string>;
  /** Every bound chat account by staff id, disabled staff included. */
  accounts: Map<string, { channel: string; userId: string }[]>;
}

let directory: Directory | undefined;
let loading: Promise<Directory> | undefined;
/** Bumped by every local write: a load that raced one is not kept. */
let generation = 0;
let watching = false;

/** Forgets the directory; the next lookup reloads it. Called on every local staff/identity write. */
export function invalidateSender(): void {
  generation++;
  directory = undefined;
}

/** Clears the directory on any write to staff or identities made through mongoose in this process (schema hooks in src/models/people.ts). */
export function watchSenderWrites(): void {
  if (watching) return;
  watching = true;
  onPeopleWrite(() => invalidateSender());
}

/**
 * Reads of the stamp, shared: a caller joins the read that starts after it asked (never one already
 * in flight, which could predate a write that returned before the caller arrived), so many events
 * share one read and each still sees every write finished before it.
 */
class StampReader {
  private inflight?: Promise<string | null>;
  private queued?: Promise<string | null>;

  read(): Promise<string | null> {
    if (!this.inflight) return this.start();
    this.queued ??= this.inflight.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<string | null> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<string | null> {
    const p = PeopleStamp.findById(PEOPLE_STAMP_ID, { token: 1 })
      .lean()
      .then((d) => d?.token ?? null);
    this.inflight = p;
    const clear = () => {
      if (this.inflight === p) this.inflight = undefined;
    };
    p.then(clear, clear);
    return p;
  }
}
const stamps = new StampReader();

async function load(stamp: string | null, now: number, background = false): Promise<Directory> {
  const gen = generation;
  const started = performance.now();
  // in batches of 500, so decoding a large roster does not hold up acknowledgements in between
  const readLinks = () => Identity.find({}, { staffId: 1, channel: 1, userId: 1 }).batchSize(500).lean();
  const readStaff = () =>
    Staff.find({}, { name: 1, roles: 1, phone: 1, post: 1, dorm: 1, active: 1 }).batchSize(500).lean();
  // nobody waits for a background load: one read at a time spreads its load on the database
  const [links, staff] = background
    ? [await readLinks(), await readStaff()]
    : await Promise.all([readLinks(), readStaff()]);
  const byId = new Map(staff.map((s) => [String(s._id), s]));
  const people = new Map<string, Person>();
  const disabled = new Set<string>();
  const accounts = new Map<string, { channel: string; userId: string }[]>();
  for (const link of links) {
    const staffId = String(link.staffId);
    accounts.set(staffId, [...(accounts.get(staffId) ?? []), { channel: link.channel, userId: link.userId }]);
    const s = byId.get(String(link.staffId));
    if (!s?.active) {
      disabled.add(link._id);
      continue;
    }
    people.set(link._id, {
      identity: link._id,
      staffId: String(s._id),
      name: s.name,
      roles: (s.roles ?? []) as Role[],
      phone: s.phone,
      post: s.post,
      dorm: s.dorm,
    });
  }
  const d = { stamp, loadedAt: now, loadMs: performance.now() - started, people, disabled, accounts };
  if (gen === generation) directory = d;
  return d;
}

/** The directory as of now: reloaded when the stamp moved, it is too old, or a local write cleared it. */
async function current(now: number): Promise<Directory> {
  const stamp = await stamps.read();
  const d = directory;
  if (d && d.stamp === stamp) {
    // only changes made outside the bot can be missing: they are picked up by a reload in the
    // background, so no event waits for one (a reload of 24,000 people held every event for
    // seconds under load: the card-click tail of the #12 bench)
    if (now >= refreshDueAt(d.loadedAt, d.loadMs) && !loading) refreshInBackground(stamp, now);
    return d;
  }
  // one load at a time; a caller arriving during a load whose stamp is older waits for it and reloads
  for (;;) {
    const inflight = loading;
    if (!inflight) break;
    const got = await inflight.catch(() => undefined);
    if (got && got.stamp === stamp && directory === got) return got;
  }
  loading = load(stamp, now);
  try {
    return await loading;
  } finally {
    loading = undefined;
  }
}

function refreshInBackground(stamp: string | null, now: number): void {
  const p = load(stamp, now, true);
  loading = p;
  const clear = () => {
    if (loading === p) loading = undefined;
  };
  // a failed refresh keeps the directory in hand; the next lookup tries again
  p.then(clear, clear);
}

export const HOW_TO_BIND =
  '你好！你还没有绑定员工身份，暂时无法使用。\n请向行政部管理员索取绑定码，然后发送：绑定 绑定码\n例如：绑定 K7P2QX9M';

export const DISABLED_REPLY = '你的员工账号已停用，暂时无法使用。如有疑问请联系行政部。';

/** What someone the bot cannot serve is told: a disabled person so; anyone else how to bind. */
export async function unknownSenderText(event: Pick<BotEvent, 'channel' | 'userId'>): Promise<string> {
  return (await current(Date.now())).disabled.has(identityKey(event)) ? DISABLED_REPLY : HOW_TO_BIND;
}

export function identityKey(event: Pick<BotEvent, 'channel' | 'userId'>): string {
  return `${event.channel}:${event.userId}`;
}

/** Active staff holding any of `roles` who have a bound account, with their accounts, from one look at the directory. */
export async function staffWithRoles(
  roles: readonly Role[],
): Promise<{ id: string; name: string; accounts: { channel: string; userId: string }[] }[]> {
  const d = await current(Date.now());
  const found = new Map<string, string>();
  for (const p of d.people.values()) {
    if (p.staffId && p.roles.some((r) => roles.includes(r))) found.set(p.staffId, p.name);
  }
  return [...found].map(([id, name]) => ({ id, name, accounts: d.accounts.get(id) ?? [] }));
}

/** The bound chat accounts of each staff member (disabled ones included), from the directory. */
export async function accountsOf(
  staffIds: readonly string[],
): Promise<Map<string, { channel: string; userId: string }[]>> {
  const { accounts } = await current(Date.now());
  return new Map(staffIds.map((id) => [id, accounts.get(id) ?? []]));
}

/** The sender of an event, or null when they may not use the bot. */
export async function resolveSender(
  event: Pick<BotEvent, 'channel' | 'userId' | 'userName'>,
  admins: readonly string[],
  now = Date.now(),
): Promise<Sender | null> {
  const identity = identityKey(event);
  const isBootAdmin = admins.includes(identity);
  const person = (await current(now)).people.get(identity);
  if (person) return toSender(person, isBootAdmin);
  if (!isBootAdmin) return null;
  return toSender({ identity, name: event.userName ?? '管理员', roles: [] }, true);
}

function toSender(s: Person, isBootAdmin: boolean): Sender {
  const roles = new Set<Role>(s.roles);
  if (isBootAdmin) roles.add('admin');
  return { ...s, roles };
}
