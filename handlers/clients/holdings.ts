import type { StaffHoldings } from '../../src/core/router.ts';
import { Client, ClientPromise } from './models.ts';

/**
 * What a person still holds in client management, asked when they are disabled (停用): the clients
 * whose follow-ups they own (I.2.5, I.2.7) and the promises to clients they made and have not kept
 * (II.7), each with the command that hands it on.
 */
export const clientHoldings: StaffHoldings = async (_services, s) => {
  const [owned, promises] = await Promise.all([
    Client.find({ 'owner.staffId': s.staffId, status: { $ne: 'lost' } }, { name: 1 })
      .sort({ name: 1 })
      .limit(50)
      .lean(),
    ClientPromise.find({ 'owner.staffId': s.staffId, status: 'open' }, { clientName: 1, text: 1, dueDay: 1 })
      .sort({ dueDay: 1 })
      .limit(50)
      .lean(),
  ]);
  return [
    ...owned.map((c) => ({
      what: `客户「${c.name}」的跟进负责人`,
      handover: `修改客户 ${c.name}\n负责人: 新负责人姓名`,
    })),
    ...promises.map((p) => ({
      what: `对「${p.clientName}」的承诺 ${p._id}：${p.text}（${p.dueDay} 前）`,
      handover: `由客服部接手兑现后发送：承诺完成 ${p._id} 说明`,
    })),
  ];
};
