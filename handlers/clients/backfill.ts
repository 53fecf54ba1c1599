import type { Services } from '../../src/core/context.ts';
import { nameKey } from '../../src/core/text.ts';
import { Client, ClientName } from './models.ts';
import { claimName, refreshSearchText, STALE_KEY_MS, searchTextOf } from './store.ts';

/*
 * Brings client records written by older versions up to date, at every start (Workflow.start):
 * the search text 客户 <联系人/电话/驻点> reads, and the name key the exact-name lookup reads (#12).
 * Name keys fold spaces and punctuation since #18, so a record keyed the old way (「abc 物业」) gets
 * its new key here, and the old one, which no lookup computes any more, is dropped. Two reads when
 * there is nothing to do; every write is a claim, a transition or a delete of what names no one, so
 * two instances starting together do each thing once.
 */

export interface BackfillReport {
  searchText: number;
  nameKeys: number;
  /** Keys no client's name folds to any more (written the old way, or by a write cut short). */
  staleKeys: number;
}

export async function backfillClients(services: Pick<Services, 'log'>, now = new Date()): Promise<BackfillReport> {
  const [clients, keys] = await Promise.all([
    Client.find({}, { name: 1, phone: 1, contacts: 1, posts: 1, searchText: 1 }).lean(),
    ClientName.find({}, { clientId: 1, at: 1 }).lean(),
  ]);
  const keyed = new Map(keys.map((k) => [k._id, k.clientId]));
  const report: BackfillReport = { searchText: 0, nameKeys: 0, staleKeys: 0 };
  const keyOf = new Map<string, string>();
  for (const c of clients) {
    const id = String(c._id);
    keyOf.set(id, nameKey(c.name));
    if (keyed.get(nameKey(c.name)) !== id && (await claimName(c.name, id))) report.nameKeys++;
    const want = searchTextOf({ name: c.name, phone: c.phone ?? '', contacts: c.contacts ?? [], posts: c.posts ?? [] });
    if (c.searchText !== want && (await refreshSearchText(id))) report.searchText++;
  }
  for (const k of keys) {
    // a young key may belong to a creation or rename still under way: claimName frees those itself
    if (keyOf.get(k.clientId) === k._id || now.getTime() - k.at.getTime() < STALE_KEY_MS) continue;
    const gone = await ClientName.deleteOne({ _id: k._id, clientId: k.clientId, at: k.at });
    report.staleKeys += gone.deletedCount;
  }
  if (report.searchText || report.nameKeys || report.staleKeys)
    services.log.info(report, 'client records brought up to date');
  return report;
}
