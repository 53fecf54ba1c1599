import mongoose from 'mongoose';
import { type ChangeNote, commandLineActor, type Trail, trailAs } from '../core/audit-trail.ts';
import { takeOnce } from '../core/once.ts';
import { nameBook } from '../core/text.ts';
import { OnceKey, Staff } from '../models/index.ts';
import { type AnyRosterColumn, applyColumns, type ColumnData, checkColumns, RosterRejectedError } from './columns.ts';
import { type RosterSnapshot, refusedGrants, rowNotes, same } from './grants.ts';
import { checkRosterFile, ROSTER_FIELDS, type RosterField, type RosterIssue } from './parse.ts';
import { ensurePlaces, placeNames } from './places.ts';
import type { StaffInput } from './staff-input.ts';

/*
 * The staff roster (花名册) import: the file read and every row validated (parse.ts), and only if the whole
 * file is valid, upsert by phone.
 *
 * FerretDB has no transactions, so the write is one idempotent upsert per person (keyed by the
 * unique phone): an import that stops half-way leaves some people written, and running it again
 * converges to the same result.
 *
 * Issue #20: once someone could confirm a grant in chat (an active 董事长 or 行政部 member), a
 * roster does not give anyone an approving role (综合部, 财务部, 董事长, 行政部) nor re-enable
 * someone who holds one: the file is refused, naming the rows, and the grant is made with 设置角色,
 * which a second person confirms. Before that (setting up, nobody to confirm) the roster is how the
 * first 行政部 and 董事长 get their roles. Every change is written to the audit trail, as made by the
 * command line (the operating-system user), and a change of roles or status moves the record's
 * version as a chat change does, so a grant asked in chat before the import is void.
 */

export interface ImportOptions {
  /** Work out and return the counts, but write nothing. */
  dryRun?: boolean;
  /**
   * The fields the file has columns for (ParsedRoster.columns). On update only these are set, so
   * a roster without a 宿舍 or 状态 column does not wipe dorms or re-enable people disabled in chat.
   * Defaults to every field. New people always get the defaults (active, empty post/dorm/note).
   */
  columns?: readonly RosterField[];
  /**
   * Workflow columns of the file with every row's value: checked against the database before the
   * first write (a problem throws RosterRejectedError and nothing is written), applied after the people.
   */
  extra?: readonly ColumnData[];
  /** The spreadsheet row of each person (parallel to the people), for the refusals. */
  rows?: readonly number[];
  /** Who the audit trail names; the command line's user by default. */
  trail?: Trail;
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Posts and dorms named in the roster that did not exist yet (created unless dryRun). */
  newPosts: string[];
  newDorms: string[];
  /** What the workflow columns changed (or would change), one line each. */
  notes: string[];
}

const BATCH = 500;
const ROSTER_CLAIM = 'roster import';

type StaffSnapshot = RosterSnapshot;

/**
 * Upserts validated people by phone: new phones are created, changed people updated, the rest left
 * alone (so their updatedAt stays). Creates the posts and dorms they name. Idempotent; needs a
 * mongoose connection. Callers validate first (validateRoster): nothing here checks the rows again
 * except for a duplicate phone, which would make the counts meaningless.
 */
export async function importRoster(typed: readonly StaffInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const dryRun = options.dryRun ?? false;
  const columns = new Set<RosterField>(options.columns ?? ROSTER_FIELDS);
  // 「城南 宿舍」 is the dorm 城南宿舍 on record, or the spelling first written in this file (core nameKey)
  const postsOnRecord = columns.has('post') ? await placeNames('post') : [];
  const dormsOnRecord = columns.has('dorm') ? await placeNames('dorm') : [];
  const postOf = nameBook(postsOnRecord);
  const dormOf = nameBook(dormsOnRecord);
  const inputs = typed.map((i) => ({ ...i, post: postOf(i.post), dorm: dormOf(i.dorm) }));
  const phones = inputs.map((i) => i.phone);
  if (new Set(phones).size !== phones.length)
    throw new Error('importRoster: the same phone appears twice; run validateRoster first');
  const extra = options.extra ?? [];
  // all or nothing: a workflow column the database refuses stops the import before the first write
  await checkColumns(extra);

  const existing = new Map<string, StaffSnapshot>();
  for (let i = 0; i < phones.length; i += BATCH) {
    const docs = (await Staff.find(
      { phone: { $in: phones.slice(i, i + BATCH) } },
      { phone: 1, name: 1, roles: 1, post: 1, dorm: 1, active: 1, note: 1, version: 1 },
    ).lean()) as StaffSnapshot[];
    for (const d of docs) existing.set(d.phone, d);
  }

  // issue #20: an approving role is granted in chat, with a second person's confirmation, once anyone could confirm
  const refused = await refusedGrants(inputs, existing, columns, options.rows);
  if (refused.length) throw new RosterRejectedError(refused);

  const updates: {
    phone: string;
    id: unknown;
    set: Record<string, unknown>;
    insert: Record<string, unknown>;
    notes: ChangeNote[];
    claim?: string;
  }[] = [];
  let plannedCreated = 0;
  for (const input of inputs) {
    const set: Record<string, unknown> = { name: input.name, roles: input.roles };
    const insert: Record<string, unknown> = {};
    for (const f of ['post', 'dorm', 'active', 'note'] as const) {
      if (columns.has(f)) set[f] = input[f];
      else insert[f] = f === 'active' ? true : '';
    }
    const before = existing.get(input.phone);
    if (!before) plannedCreated++;
    else if (Object.entries(set).every(([k, v]) => same(before[k as keyof StaffSnapshot], v))) continue;
    // a new person's _id is made here, so the audit entries can name the record before it exists
    const id = before?._id ?? new mongoose.Types.ObjectId();
    if (!before) insert._id = id;
    const moves = before && (!same(before.roles, input.roles) || ('active' in set && before.active !== set.active));
    // a change of roles or status moves the version, as one made in chat does (src/core/transition.ts)
    if (before && moves) set.version = (before.version ?? 0) + 1;
    const claim = before && moves ? `${Staff.collection.name}:${String(id)}:v${before.version ?? 0}` : undefined;
    updates.push({ phone: input.phone, id, set, insert, notes: rowNotes(String(id), input, before, set), claim });
  }

  const postNames = unique(inputs.map((i) => (columns.has('post') ? i.post : '')));
  const dormNames = unique(inputs.map((i) => (columns.has('dorm') ? i.dorm : '')));
  const knownPosts = new Set(postsOnRecord);
  const knownDorms = new Set(dormsOnRecord);
  const newPosts = postNames.filter((n) => !knownPosts.has(n));
  const newDorms = dormNames.filter((n) => !knownDorms.has(n));

  if (dryRun) {
    const known = new Map([...existing.values()].map((s) => [s.phone, String(s._id)]));
    return {
      dryRun,
      created: plannedCreated,
      updated: updates.length - plannedCreated,
      unchanged: inputs.length - updates.length,
      newPosts,
      newDorms,
      notes: await applyColumns(extra, known, true, options.trail ?? trailAs(commandLineActor())),
    };
  }

  // Places first, so no one ever points at a post that is not in the list; each is an idempotent upsert.
  const pairs = new Map<string, { post: string; dorm: string }>();
  for (const i of inputs) {
    const post = columns.has('post') ? i.post : '';
    const dorm = columns.has('dorm') ? i.dorm : '';
    if (post || dorm) pairs.set(JSON.stringify([post, dorm]), { post, dorm });
  }
  for (const { post, dorm } of pairs.values()) await ensurePlaces(post, dorm);

  // Unordered bulk upserts (FerretDB 1.24 accepts them and reports upserted/modified counts):
  // every operation stands alone, so a batch that fails half-way is simply re-run.
  let created = 0;
  let updated = 0;
  const trail = options.trail ?? trailAs(commandLineActor());
  for (let i = 0; i < updates.length; i += BATCH) {
    const batch = updates.slice(i, i + BATCH);
    for (const u of batch) {
      // the version claim a chat change would make (transition()); one left by an earlier import
      // that failed before writing is ours to use. Anyone else's: the person changed meanwhile.
      if (
        u.claim &&
        !(await takeOnce(u.claim, ROSTER_CLAIM)) &&
        (await OnceKey.findById(u.claim).lean())?.by !== ROSTER_CLAIM
      ) {
        throw new Error(`staff ${u.phone} changed during the roster import; run it again`);
      }
    }
    const res = await trail.changeMany(
      Staff,
      batch.map((u) => u.id),
      (carryFor) =>
        Staff.bulkWrite(
          batch.map((u) => ({
            updateOne: {
              filter: { phone: u.phone },
              update: carryFor(u.id, u.notes).update({
                $set: u.set,
                ...(Object.keys(u.insert).length ? { $setOnInsert: u.insert } : {}),
              }),
              upsert: true,
            },
          })),
          { ordered: false },
        ),
    );
    created += res.upsertedCount;
    updated += res.modifiedCount;
  }
  const notes: string[] = [];
  if (extra.length) {
    const ids = new Map<string, string>();
    for (let i = 0; i < phones.length; i += BATCH) {
      for (const d of await Staff.find({ phone: { $in: phones.slice(i, i + BATCH) } }, { phone: 1 }).lean())
        ids.set(d.phone, String(d._id));
    }
    notes.push(...(await applyColumns(extra, ids, false, trail)));
  }
  return { dryRun, created, updated, unchanged: inputs.length - created - updated, newPosts, newDorms, notes };
}

function unique(names: string[]): string[] {
  return [...new Set(names.filter(Boolean))];
}

export type RosterFileImport =
  | { ok: true; result: ImportResult; rows: number; ignoredHeaders: string[] }
  | { ok: false; errors: RosterIssue[]; ignoredHeaders: string[] };

/**
 * Reads, validates and imports one roster file: either every row is imported, or nothing is
 * written and every problem is returned.
 */
export async function importRosterFile(
  file: string,
  options: Pick<ImportOptions, 'dryRun'> & { extra?: readonly AnyRosterColumn[] } = {},
): Promise<RosterFileImport> {
  const checked = await checkRosterFile(file, options.extra);
  if (!checked.ok) return checked;
  try {
    const result = await importRoster(
      checked.entries.map((e) => e.input),
      {
        dryRun: options.dryRun,
        columns: checked.columns,
        extra: checked.extra,
        rows: checked.entries.map((e) => e.row),
      },
    );
    return { ok: true, result, rows: checked.entries.length, ignoredHeaders: checked.ignoredHeaders };
  } catch (err) {
    if (err instanceof RosterRejectedError)
      return { ok: false, errors: err.issues, ignoredHeaders: checked.ignoredHeaders };
    throw err;
  }
}
