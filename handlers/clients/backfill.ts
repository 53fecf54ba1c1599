import type { Services } from '../../src/core/context.ts';
import { Client, ClientName } from './models.ts';
import { claimName, nameKey, refreshSearchText, searchTextOf } from './store.ts';

/*
 * Brings client records written by older versions up to date, at every start (Workflow.start):
 * the search text 客户 <联系人/电话/驻点> reads, and the name key the exact-name lookup reads (#12).
 * Two reads when there is nothing to do; every write is a claim or a transition, so two instances
 * starting together do each thing once.
 */

export interface BackfillReport {
  searchText: number;
  nameKeys: number;
}

export async function backfillClients(services: Pick<Services, 'log'>): Promise<BackfillReport> {
  const [clients, keys] = await Promise.all([
    Client.find({}, { name: 1, phone: 1, contacts: 1, posts: 1, searchText: 1 }).lean(),
    ClientName.find({}, { clientId: 1 }).lean(),
  ]);
  const keyed = new Map(keys.map((k) => [k._id, k.clientId]));
  const report: BackfillReport = { searchText: 0, nameKeys: 0 };
  for (const c of clients) {
    const id = String(c._id);
    if (keyed.get(nameKey(c.name)) !== id && (await claimName(c.name, id))) report.nameKeys++;
    const want = searchTextOf({ name: c.name, phone: c.phone ?? '', contacts: c.contacts ?? [], posts: c.posts ?? [] });
    if (c.searchText !== want && (await refreshSearchText(id))) report.searchText++;
  }
  if (report.searchText || report.nameKeys) services.log.info(report, 'client records brought up to date');
  return report;
}
