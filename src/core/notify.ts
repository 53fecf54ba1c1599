import type { Services } from './context.ts';
import { accountsOf, staffWithRoles } from './senders.ts';
import type { Card, Channel, Outgoing, Role, SentRef } from './types.ts';

export interface Recipient {
  staffId: string;
  name: string;
  channel: Channel;
  userId: string;
}

/** Where a sent card lives, so it can be updated in place later (Lark) or re-sent (text channels). */
export interface CardRef {
  channel: Channel;
  userId: string;
  messageId?: string;
}

/** Every bound chat identity of the active staff holding any of `roles`, on channels that are running. */
export async function recipientsWithRole(
  services: Services,
  roles: Role[],
  exceptStaffIds: string[] = [],
): Promise<Recipient[]> {
  // from the in-memory directory: on FerretDB a role query scans every staff record
  const wanted = (await staffWithRoles(roles)).filter((s) => !exceptStaffIds.includes(s.id));
  return wanted.flatMap((p) => toRecipients(services, p, p.accounts));
}

export async function recipientsOf(services: Services, people: { id: string; name: string }[]): Promise<Recipient[]> {
  const unique = [...new Map(people.map((p) => [p.id, p])).values()];
  if (!unique.length) return [];
  const accounts = await accountsOf(unique.map((p) => p.id));
  return unique.flatMap((p) => toRecipients(services, p, accounts.get(p.id) ?? []));
}

function toRecipients(
  services: Services,
  p: { id: string; name: string },
  accounts: { channel: string; userId: string }[],
): Recipient[] {
  return accounts
    .filter((a) => services.outbox.has(a.channel as Channel))
    .map((a) => ({ staffId: p.id, name: p.name, channel: a.channel as Channel, userId: a.userId }));
}

/**
 * Sends to each recipient in a private chat. One failed delivery is logged and does not stop the
 * others; the refs of what was sent come back so cards can be updated later.
 */
export async function notify(services: Services, recipients: Recipient[], message: Outgoing): Promise<CardRef[]> {
  const refs: CardRef[] = [];
  await Promise.all(
    recipients.map(async (r) => {
      try {
        const sent: SentRef = await services.outbox.send({ channel: r.channel, userId: r.userId }, message);
        refs.push({ channel: r.channel, userId: r.userId, messageId: sent.messageId });
      } catch (err) {
        services.log.warn({ err, staffId: r.staffId, channel: r.channel }, 'notification failed');
      }
    }),
  );
  return refs;
}

/** Updates every copy of a card in place where the channel can; text channels get nothing new. */
export async function updateCards(services: Services, refs: CardRef[], card: Card): Promise<void> {
  await Promise.all(
    refs
      .filter((r) => r.messageId && services.outbox.capabilities(r.channel).updatesCards)
      .map((r) =>
        services.outbox
          .updateCard(r.channel, r.messageId!, card, { channel: r.channel, userId: r.userId })
          .catch((err) => services.log.warn({ err, messageId: r.messageId }, 'card update failed')),
      ),
  );
}
