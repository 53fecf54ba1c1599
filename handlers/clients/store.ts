import mongoose from 'mongoose';
import { isDuplicateKey } from '../../src/core/once.ts';
import { escapeRegex, nameKey, normalizeText } from '../../src/core/text.ts';
import { transition } from '../../src/core/transition.ts';
import { renameClientOnComplaints } from '../complaints/api.ts';
import type { ContactKind } from './cadence-rules.ts';
import { Client, ClientName, type ClientRecord } from './models.ts';
import { type Change, type ClientFields, type ClientStatus, type Contact, diffClient } from './rules.ts';

/*
 * Reads and writes of client records. Every write is a transition() from the version read (a
 * unique claim, then the write), so on FerretDB an edit, an import row and a logged visit that meet
 * never write over each other; a loser re-reads and tries again where that is safe.
 */

export type Person = NonNullable<ClientRecord['owner']>;

/** Records written before the clients workflow lack its fields: give them their defaults once. */
function withDefaults(doc: Partial<ClientRecord> | null): ClientRecord | null {
  if (!doc) return null;
  return {
    version: 0,
    address: '',
    phone: '',
    contacts: [],
    posts: [],
    status: 'current',
    owner: null,
    notes: '',
    callDays: null,
    visitDays: null,
    lastCallAt: null,
    lastVisitAt: null,
    archivedAt: null,
    changes: [],
    ...doc,
  } as ClientRecord; // a stored record always has its _id, name and timestamps; the defaults fill the rest
}

async function ensureVersion(doc: ClientRecord & { version?: number }): Promise<void> {
  const raw = await Client.findById(doc._id, { version: 1 }).lean<{ version?: number }>();
  if (raw && raw.version === undefined)
    await Client.updateOne({ _id: doc._id, version: { $exists: false } }, { $set: { version: 0 } });
}

export async function loadClient(id: string): Promise<ClientRecord | null> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  return withDefaults(await Client.findById(id).lean<Partial<ClientRecord>>());
}

/** A key whose client is gone or renamed this long ago is left over from a write cut short. */
export const STALE_KEY_MS = 60_000;

/**
 * Claims `name` for the client (a unique insert): false when another client holds it. A key left
 * by a creation or rename that never finished is freed and claimed again.
 */
export async function claimName(name: string, clientId: string): Promise<boolean> {
  const key = nameKey(name);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await ClientName.create({ _id: key, clientId, at: new Date() });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const holder = await ClientName.findById(key).lean();
    if (!holder) continue;
    if (holder.clientId === clientId) return true;
    const c = await loadClient(holder.clientId);
    if ((c && nameKey(c.name) === key) || Date.now() - holder.at.getTime() < STALE_KEY_MS) return false;
    await ClientName.deleteOne({ _id: key, clientId: holder.clientId });
  }
  return false;
}

/** Gives the name back, only if this client holds it. */
async function releaseName(name: string, clientId: string): Promise<void> {
  await ClientName.deleteOne({ _id: nameKey(name), clientId });
}

/**
 * The client of this name however it is spaced, cased or punctuated (nameKey): two reads by _id
 * (the name key, then the record). A record made before name keys existed is found by the old
 * query (a scan) and keyed for next time.
 */
export async function clientByName(name: string): Promise<ClientRecord | null> {
  const key = nameKey(name);
  if (!key) return null;
  const link = await ClientName.findById(key).lean();
  const keyed = link ? await loadClient(link.clientId) : null;
  if (keyed && nameKey(keyed.name) === key) return keyed;
  const old = withDefaults(
    await Client.findOne({ name: { $in: [...new Set([name.trim(), normalizeText(name)])] } }).lean<
      Partial<ClientRecord>
    >(),
  );
  if (old) await claimName(old.name, String(old._id));
  return old;
}

/** What 客户 <关键词> searches: name, contacts, every phone (digits only too) and posts. */
export function searchTextOf(c: Pick<ClientFields, 'name' | 'phone' | 'contacts' | 'posts'>): string {
  const phones = [c.phone, ...c.contacts.map((x) => x.phone)].filter(Boolean);
  return [
    c.name,
    ...c.contacts.flatMap((x) => [x.name, x.title]),
    ...phones,
    ...phones.map((p) => p.replace(/\D/g, '')),
    ...c.posts,
  ]
    .filter(Boolean)
    .join('|')
    .toLowerCase();
}

/** 客户 <关键词>: the exact name first, else every record whose name, contact, phone or post contains it. */
export async function searchClients(query: string, limit = 20): Promise<ClientRecord[]> {
  const exact = await clientByName(query);
  if (exact) return [exact];
  const q = query.toLowerCase();
  const digits = q.replace(/[\s-]/g, '');
  const pattern = /^\d{4,}$/.test(digits) ? escapeRegex(digits) : escapeRegex(q);
  const byText = await Client.find({
    $or: [{ searchText: { $regex: pattern } }, { name: { $regex: escapeRegex(query) } }],
  })
    .sort({ name: 1 })
    .limit(limit)
    .lean<Partial<ClientRecord>[]>();
  return byText.map((d) => withDefaults(d)!);
}

export type SaveResult =
  | { ok: true; client: ClientRecord; changes: Change[] }
  | { ok: false; reason: 'gone' | 'busy' | 'name-taken' };

/**
 * Applies `next` to the client with a change entry naming who and what (old → new). Nothing is
 * written when nothing changes. A concurrent writer makes this re-read and re-diff, up to 5 times.
 */
export async function saveClient(
  id: string,
  next: Partial<ClientFields> & { archivedAt?: Date | null },
  by: Person,
  action: string,
  at: Date,
): Promise<SaveResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await loadClient(id);
    if (!c) return { ok: false, reason: 'gone' };
    await ensureVersion(c);
    const renamed = next.name !== undefined && next.name !== c.name;
    const newKey = renamed && nameKey(next.name!) !== nameKey(c.name);
    // the unique index on name is the last word; a transition must never meet it (its claim would be spent)
    if (renamed && (await Client.exists({ name: next.name }))) return { ok: false, reason: 'name-taken' };
    if (newKey && !(await claimName(next.name!, id))) return { ok: false, reason: 'name-taken' };
    const changes = diffClient(c, next);
    if (!changes.length) return { ok: true, client: c, changes };
    const after = { ...c, ...next };
    const $set = { ...next, searchText: searchTextOf(after) };
    const entry = { at, by, action, fields: changes };
    if (await transition(Client, id, c.version, { $set, $push: { changes: entry } }, by.staffId || by.name)) {
      if (renamed) {
        if (newKey) await releaseName(c.name, id);
        // complaint lookups by client keep working, and the complaint card shows the current name
        await renameClientOnComplaints(id, c.name, next.name!, by, at);
      }
      return { ok: true, client: { ...after, version: c.version + 1, changes: [...c.changes, entry] }, changes };
    }
    if (newKey) await releaseName(next.name!, id);
  }
  return { ok: false, reason: 'busy' };
}

export interface NewClient {
  name: string;
  address?: string;
  phone?: string;
  contacts?: Contact[];
  posts?: string[];
  status?: ClientStatus;
  owner?: Person | null;
  notes?: string;
  callDays?: number | null;
  visitDays?: number | null;
}

/** A new record with its first change entry, and its name claimed; null when the name is already on record. */
export async function createClient(
  fields: NewClient,
  by: Person,
  action: string,
  at: Date,
): Promise<ClientRecord | null> {
  const full = {
    address: '',
    phone: '',
    contacts: [],
    posts: [],
    status: 'current' as ClientStatus,
    owner: null,
    notes: '',
    callDays: null,
    visitDays: null,
    ...fields,
  };
  const changes = diffClient({}, full).filter((c) => c.to && c.to !== '按状态默认');
  const _id = new mongoose.Types.ObjectId();
  if (!(await claimName(full.name, String(_id)))) return null;
  try {
    // createdAt is the bot's clock: a never-contacted client's cadence counts from it
    const doc = await Client.create({
      _id,
      ...full,
      version: 0,
      searchText: searchTextOf(full),
      changes: [{ at, by, action, fields: changes }],
      createdAt: at,
    });
    return withDefaults(doc.toObject());
  } catch (err) {
    // a record of that name made before name keys existed
    await releaseName(full.name, String(_id));
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/**
 * Writes the search text a record should have when it differs (records made before the field
 * existed have none). A concurrent edit writes it anyway, so losing the race is fine.
 */
export async function refreshSearchText(id: string): Promise<boolean> {
  const c = await loadClient(id);
  if (!c) return false;
  const want = searchTextOf(c);
  if (c.searchText === want) return false;
  await ensureVersion(c);
  return transition(Client, id, c.version, { $set: { searchText: want } }, 'backfill');
}

/**
 * Logging a call or visit restarts the cadence (II, I.2.7): the client's last contact moves to `at`
 * unless a later one is already recorded. Retried on a concurrent write, since it only moves forward.
 */
export async function recordContact(id: string, kind: ContactKind, at: Date, by: string): Promise<boolean> {
  const field = kind === 'call' ? 'lastCallAt' : 'lastVisitAt';
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await loadClient(id);
    if (!c) return false;
    const last = c[field];
    if (last && last >= at) return true;
    await ensureVersion(c);
    if (await transition(Client, id, c.version, { $set: { [field]: at } }, by)) return true;
  }
  return false;
}
