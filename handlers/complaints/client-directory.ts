import type { Person } from '../../src/core/audit.ts';
import type { Services } from '../../src/core/context.ts';
import { extensionPoint } from '../../src/core/extensions.ts';

/*
 * The client records a complaint is registered against (客户档案). They are another workflow's
 * (clients), which adds itself here: registration then fills a known client's address and phone,
 * and makes the record of a client first met in a complaint. Without one, a complaint keeps the
 * client as typed.
 */

export interface ClientEntry {
  id: string;
  name: string;
  address: string;
  phone: string;
}

export interface ClientDirectory {
  /** The client record of this name, however it is spaced or cased. */
  byName(name: string): Promise<ClientEntry | undefined>;
  /** At most `limit` clients whose name contains `text`. */
  search(text: string, limit: number): Promise<ClientEntry[]>;
  /** Makes the record of a client first met in a complaint; undefined when that name was just taken (byName then finds it). */
  create(
    client: { name: string; address: string; phone: string },
    by: Person,
    action: string,
    at: Date,
  ): Promise<ClientEntry | undefined>;
}

export const clientDirectory = extensionPoint<ClientDirectory>('complaints', 'clientDirectory');

const none: ClientDirectory = { byName: async () => undefined, search: async () => [], create: async () => undefined };

/** The installed directory (one at most), or one that knows no client. */
export function clientsOf(services: Services): ClientDirectory {
  return services.extensions.of(clientDirectory)[0] ?? none;
}
