import { BindCode, CardPrompt, Claim, FormSession, InboundEvent, ScheduleSlot } from '../src/models/index.ts';
import type { JobDefinition } from './scheduler.ts';

const DAY = 24 * 3600_000;

/** Takes over events that were acknowledged but not finished (a crash, a stop mid-handler). */
export const recoverInbox: JobDefinition = {
  name: 'inbox.recover',
  cron: '* * * * *',
  description: '接管已确认但未处理完的消息',
  run: async (deps) => {
    await deps.recoverInbox();
  },
};

/** Tells people whose guided form went idle that it was closed (FerretDB has no TTL indexes). */
export const expireForms: JobDefinition = {
  name: 'forms.expire',
  cron: '* * * * *',
  description: '关闭长时间未填写的表单并告知本人',
  run: async (deps) => {
    const now = deps.now();
    const idle = await FormSession.find({ expiresAt: { $lt: now } }).limit(200).lean();
    for (const s of idle) {
      const removed = await FormSession.deleteOne({ _id: s._id, expiresAt: s.expiresAt });
      if (removed.deletedCount !== 1 || !deps.outbox.has(s.channel as never)) continue;
      const title = deps.forms.get(s.form)?.title ?? '表单';
      await deps.outbox
        .send({ channel: s.channel as 'wechat' | 'console', chatId: s.chatId }, `「${title}」太久没有填写，已自动关闭，没有保存。需要时请重新开始。`)
        .catch((err) => deps.log.warn({ err, form: s.form }, 'could not tell about an expired form'));
    }
  },
};

/** Old delivery records, used codes and finished slots are deleted by a job, since TTL indexes are unavailable. */
export const housekeeping: JobDefinition = {
  name: 'housekeeping',
  cron: '30 3 * * *',
  description: '清理过期的去重记录、绑定码和卡片按钮',
  catchUpMs: DAY,
  run: async (deps) => {
    const now = deps.now().getTime();
    await InboundEvent.deleteMany({ receivedAt: { $lt: new Date(now - 14 * DAY) }, status: { $in: ['done', 'failed'] } });
    await BindCode.deleteMany({ expiresAt: { $lt: new Date(now - 7 * DAY) } });
    await CardPrompt.deleteMany({ expiresAt: { $lt: new Date(now) } });
    await ScheduleSlot.deleteMany({ slot: { $lt: new Date(now - 30 * DAY) } });
    // inbox and bind-code claims outlive their records by a margin; sequence and transition claims stay
    await Claim.deleteMany({ _id: { $regex: /^(inbox|bindcode):/ }, at: { $lt: new Date(now - 30 * DAY) } });
    await Claim.deleteMany({ _id: { $regex: /^attempt:/ }, at: { $lt: new Date(now - DAY) } });
  },
};

export const maintenanceJobs: JobDefinition[] = [recoverInbox, expireForms, housekeeping];
