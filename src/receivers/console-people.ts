import { trailAs } from '../core/audit-trail.ts';
import { parseMobile } from '../core/text.ts';
import { Identity, PEOPLE_STAMP_ID, PeopleStamp, Staff } from '../models/index.ts';
import { staffNamed } from '../roster/names.ts';

/*
 * The console's people: whom `:as` names, and the console identities (`console:<staffId>`) bound to
 * them: bindings like any other, written to the audit trail as made at the terminal.
 */

/** The console operator a binding is recorded as made by. */
export interface ConsoleOperator {
  userId: string;
  name: string;
}

/** Up to five staff members `:as` may mean: by mobile number, else by name. */
export async function consoleMatches(query: string) {
  const phone = parseMobile(query);
  return phone ? await Staff.find({ phone }).limit(5).lean() : await staffNamed(query, {}, 5);
}

/** Binds the console identity `id` (`console:<staffId>`) to the staff member `s`. */
export async function bindConsole(
  id: string,
  userId: string,
  s: { _id: unknown; name: string },
  by: ConsoleOperator,
): Promise<void> {
  const note = {
    kind: 'binding' as const,
    record: { type: 'staff', id: userId, label: s.name },
    subject: { staffId: userId, name: s.name },
    what: '绑定',
    to: '控制台账号',
    note: ':as',
  };
  await trailAs({ staffId: '', name: by.name, identity: `console:${by.userId}`, channel: 'console' }).change(
    Identity,
    id,
    note,
    (carry) =>
      Identity.updateOne(
        { _id: id },
        carry.update({
          $set: { staffId: s._id, channel: 'console', userId, displayName: s.name },
          $setOnInsert: { boundAt: new Date() },
        }),
        { upsert: true },
      ),
  );
}

/**
 * When the console stands in for everyone (ConsoleOptions.everyone), every active staff member
 * gets a console identity as they are added or imported; checked whenever the people stamp moved
 * since `syncedStamp`. `names` learns every console user's name. Returns the stamp now synced.
 */
export async function syncConsoleIdentities(
  syncedStamp: string | null | undefined,
  names: Map<string, string>,
  by: ConsoleOperator,
): Promise<string | null | undefined> {
  const stamp = (await PeopleStamp.findById(PEOPLE_STAMP_ID, { token: 1 }).lean())?.token ?? null;
  if (stamp !== null && stamp === syncedStamp) return syncedStamp;
  const [staff, bound] = await Promise.all([
    Staff.find({ active: true }, { name: 1 }).lean(),
    Identity.find({ channel: 'console' }, { staffId: 1, userId: 1, displayName: 1 }).lean(),
  ]);
  for (const b of bound) names.set(b.userId, b.displayName || names.get(b.userId) || b.userId);
  const have = new Set(bound.map((b) => String(b.staffId)));
  const missing = staff.filter((s) => !have.has(String(s._id)));
  for (const s of staff) names.set(String(s._id), s.name);
  // each one a binding like any other, so the trail shows it (#20: every change recorded)
  for (const s of missing) await bindConsole(`console:${s._id}`, String(s._id), s, by);
  return stamp;
}
