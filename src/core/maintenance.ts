import { InboxAttempt, InboxInstance, InboxOutcome, SentReply } from '../models/inbox.ts';
import { CardPrompt, FormSession, InboundEvent, OnceKey, PictureChoice, ScheduleSlot } from '../models/index.ts';
import { flushAuditQueue } from './audit-trail.ts';
import { RECOVER_EVERY_SECONDS } from './inbox.ts';
import type { JobDefinition } from './scheduler.ts';

const DAY = 24 * 3600_000;

/**
 * Takes over events that were acknowledged but not finished (a crash, a stop mid-handler). Every
 * few seconds, so a takeover happens within INBOX_TAKEOVER_SECONDS; a tick with nothing to do
 * costs one indexed query.
 */
export const recoverInbox: JobDefinition = {
  name: 'inbox.recover',
  cron: `*/${RECOVER_EVERY_SECONDS} * * * * *`,
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
    const idle = await FormSession.find({ expiresAt: { $lt: now } })
      .limit(200)
      .lean();
    for (const s of idle) {
      const removed = await FormSession.deleteOne({ _id: s._id, expiresAt: s.expiresAt });
      if (removed.deletedCount !== 1 || !deps.outbox.has(s.channel)) continue;
      const title = deps.forms.get(s.form)?.title ?? '表单';
      await deps.outbox
        .send(
          { channel: s.channel, chatId: s.chatId },
          `「${title}」太久没有填写，已自动关闭，没有保存。需要时请重新开始。`,
        )
        .catch((err) => deps.log.warn({ err, form: s.form }, 'could not tell about an expired form'));
    }
  },
};

/** Old delivery records and finished slots are deleted by a job, since TTL indexes are unavailable. */
export const housekeeping: JobDefinition = {
  name: 'housekeeping',
  cron: '30 3 * * *',
  description: '清理过期的去重记录和卡片按钮',
  catchUpMs: DAY,
  run: async (deps) => {
    const now = deps.now().getTime();
    // the dedupe record of an event still pending may go: it is kept apart in InboxPending
    await InboundEvent.deleteMany({ receivedAt: { $lt: new Date(now - 14 * DAY) } });
    await InboxOutcome.deleteMany({ finishedAt: { $lt: new Date(now - 14 * DAY) } });
    // heartbeats of instances long gone (each start is a new instance)
    await InboxInstance.deleteMany({ beatAt: { $lt: new Date(now - DAY) } });
    await CardPrompt.deleteMany({ expiresAt: { $lt: new Date(now) } });
    // a question about pictures left unanswered for a day is not coming back (the choice goes with it)
    await PictureChoice.deleteMany({ at: { $lt: new Date(now - DAY) } });
    await ScheduleSlot.deleteMany({ slot: { $lt: new Date(now - 30 * DAY) } });
    // the recovery job takes a slot every few seconds: its slots are only kept for a day
    await ScheduleSlot.deleteMany({ job: recoverInbox.name, slot: { $lt: new Date(now - DAY) } });
    await InboxAttempt.deleteMany({ at: { $lt: new Date(now - 30 * DAY) } });
    await SentReply.deleteMany({ at: { $lt: new Date(now - 30 * DAY) } });
    // inbox keys of the earlier scheme outlive their records by a margin; sequence and transition keys stay
    await OnceKey.deleteMany({ _id: { $regex: /^inbox:/ }, at: { $lt: new Date(now - 30 * DAY) } });
    // rate-limit attempts (src/core/rate-limit.ts) only matter within their window
    await OnceKey.deleteMany({ _id: { $regex: /^attempt:/ }, at: { $lt: new Date(now - DAY) } });
  },
};

/**
 * Finishes audit entries a crash left between a change and its copy into the trail
 * (src/core/audit-trail.ts); an empty queue costs one read of a collection that is nearly always empty.
 */
export const flushAudit: JobDefinition = {
  name: 'audit.flush',
  cron: '* * * * *',
  description: '把中断的变更补记进审计记录',
  run: async (deps) => {
    await flushAuditQueue(deps.now());
  },
};

/** The core's own jobs; every deployment runs them whatever workflows it installs. */
export const maintenanceJobs: JobDefinition[] = [recoverInbox, expireForms, housekeeping, flushAudit];
