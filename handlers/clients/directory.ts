import { escapeRegex } from '../../src/core/text.ts';
import type { ClientDirectory, ClientEntry } from '../complaints/api.ts';
import { Client, type ClientRecord } from './models.ts';
import { clientByName, createClient } from './store.ts';

const entry = (
  c: Pick<ClientRecord, '_id' | 'name'> & Partial<Pick<ClientRecord, 'address' | 'phone'>>,
): ClientEntry => ({
  id: String(c._id),
  name: c.name,
  address: c.address ?? '',
  phone: c.phone ?? '',
});

/**
 * The client records as complaint registration reads and makes them (Ch.10 III → I.2.8): added to
 * the complaints workflow's clientDirectory, so complaints never imports this workflow.
 */
export const clientRecords: ClientDirectory = {
  async byName(name) {
    const c = await clientByName(name);
    return c ? entry(c) : undefined;
  },
  async search(text, limit) {
    return (
      await Client.find({ name: { $regex: escapeRegex(text) } })
        .limit(limit)
        .lean<ClientRecord[]>()
    ).map(entry);
  },
  async create(client, by, action, at) {
    const c = await createClient(client, by, action, at);
    return c ? entry(c) : undefined;
  },
};
