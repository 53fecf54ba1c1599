import type { Services } from '../../src/core/context.ts';
import { notify, type Recipient, recipientsOf, recipientsWithRole } from '../../src/core/notify.ts';
import type { Card, Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { complaintCard, nextButtons } from './card.ts';
import type { ComplaintRecord, Person } from './models.ts';
import { complaintSubjects } from './rules.ts';

/**
 * Sends the case card privately to everyone holding `roles` (and to `people`), each with the
 * buttons their group may press. Phones are shown in full only to 客服部/人防部 recipients.
 */
export async function notifyCase(
  services: Services,
  c: ComplaintRecord,
  roles: Role[],
  o: { title: string; note?: string; people?: Person[]; exceptStaffIds?: string[] },
): Promise<number> {
  // #20: a department's card goes to its members but not to those the case is about (they may not act on it)
  const byRole = roles.length
    ? await recipientsWithRole(services, roles, [...(o.exceptStaffIds ?? []), ...complaintSubjects(c)])
    : [];
  const extra = o.people?.length
    ? await recipientsOf(
        services,
        o.people.filter((p) => p.staffId).map((p) => ({ id: p.staffId, name: p.name })),
      )
    : [];
  const seen = new Set<string>();
  const all = [...byRole, ...extra].filter((r) => {
    const k = `${r.channel}:${r.userId}`;
    if (seen.has(k) || o.exceptStaffIds?.includes(r.staffId)) return false;
    seen.add(k);
    return true;
  });
  if (!all.length) return 0;
  return notifyWithPhoneRights(services, all, (fullPhone) =>
    complaintCard(services, c, {
      fullPhone,
      buttons: nextButtons(c, (r) => roles.includes(r)),
      title: o.title,
      note: o.note,
    }),
  );
}

/**
 * Sends each recipient the card with the client's phone in full only when they are 客服部 or 人防部
 * themselves (every notification goes to a private chat); everyone else gets it masked.
 */
export async function notifyWithPhoneRights(
  services: Services,
  recipients: Recipient[],
  card: (fullPhone: boolean) => Card,
): Promise<number> {
  const ids = [...new Set(recipients.map((r) => r.staffId))];
  const allowed = new Set(
    (await Staff.find({ _id: { $in: ids }, roles: { $in: ['customer_service', 'guard_ops'] } }, { _id: 1 }).lean()).map(
      (s) => String(s._id),
    ),
  );
  const full = recipients.filter((r) => allowed.has(r.staffId));
  const masked = recipients.filter((r) => !allowed.has(r.staffId));
  const refs = [
    ...(full.length ? await notify(services, full, card(true)) : []),
    ...(masked.length ? await notify(services, masked, card(false)) : []),
  ];
  return refs.length;
}
