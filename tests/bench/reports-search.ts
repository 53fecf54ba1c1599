import { Client } from '../../handlers/clients/models.ts';
import { search } from '../../handlers/reports/search.ts';
import { Vehicle } from '../../handlers/vehicles/models.ts';
import type { Services } from '../../src/core/context.ts';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { benchContext, type Measured, measure } from './reports-measure.ts';

/*
 * 查找 on the year's data (reports.ts runs it with REPORTS_ONLY unset or `search`): the first page
 * for a guard's name (asked by a manager who sees everything, and by the guard himself, who sees
 * only his own), a plate and a client, as the handler answers them (every workflow's source at
 * once). Not in #23's budget by name, but a person waits for it like for a report.
 */
export async function searches(
  services: Services,
  runs: number,
  dbPid: number | undefined,
  picked: (name: string) => boolean,
): Promise<Measured[]> {
  const guard = await Staff.findOne({ roles: 'guard', active: true }, { name: 1, roles: 1 }).lean();
  const plate = (await Vehicle.findOne({}, { _id: 1 }).lean())?._id;
  const client = (await Client.findOne({}, { name: 1 }).lean())?.name;
  const asked: { name: string; words: string; as?: { staffId: string; roles: Role[] } }[] = [];
  if (guard) {
    asked.push({ name: '查找 一名保安 (管理人员)', words: guard.name });
    asked.push({
      name: '查找 一名保安 (他本人)',
      words: guard.name,
      as: { staffId: String(guard._id), roles: guard.roles as Role[] },
    });
  }
  if (plate) asked.push({ name: '查找 车牌', words: plate });
  if (client) asked.push({ name: '查找 客户', words: client });
  const out: Measured[] = [];
  for (const a of asked) {
    if (!picked(a.name)) continue;
    out.push(
      await measure(a.name, 'search', runs, dbPid, async () => {
        const ctx = benchContext(services, a.words);
        if (a.as) {
          const roles = new Set(a.as.roles);
          Object.assign(ctx, {
            sender: { ...ctx.sender, staffId: a.as.staffId, roles },
            hasRole: (...r: Role[]) => r.some((x) => roles.has(x)),
          });
        }
        await search(ctx);
        const text = ctx.replies.join('\n');
        return `${text.split('\n').length} lines`;
      }),
    );
  }
  return out;
}
