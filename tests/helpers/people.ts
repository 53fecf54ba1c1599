import type { Role } from '../../src/core/types.ts';
import { Identity, Staff } from '../../src/models/index.ts';

/**
 * Creates each of `people` and binds them on the console as `console:<key>`; their staff ids go into
 * `ids` by key (a test file's shared record, so the tests read them after each seeding).
 */
export async function seedConsolePeople(
  people: Record<string, { name: string; phone: string; roles: Role[]; dorm?: string }>,
  ids: Record<string, string>,
): Promise<void> {
  for (const [key, p] of Object.entries(people)) {
    const s = await Staff.create(p);
    ids[key] = String(s._id);
    await Identity.create({
      _id: `console:${key}`,
      staffId: s._id,
      channel: 'console',
      userId: key,
      boundAt: new Date(),
    });
  }
}
