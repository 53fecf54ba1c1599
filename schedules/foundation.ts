import { BindCode } from '../handlers/foundation/models.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';
import { OnceKey } from '../src/models/index.ts';

const DAY = 24 * 3600_000;

/** Expired bind codes and their once-keys are deleted by a job, since TTL indexes are unavailable on FerretDB. */
export const bindCodeCleanup: JobDefinition = {
  name: 'foundation.bindcodes',
  cron: '40 3 * * *',
  description: '清理过期的绑定码',
  catchUpMs: DAY,
  run: async (deps) => {
    const now = deps.now().getTime();
    await BindCode.deleteMany({ expiresAt: { $lt: new Date(now - 7 * DAY) } });
    await OnceKey.deleteMany({ _id: { $regex: /^bindcode:/ }, at: { $lt: new Date(now - 30 * DAY) } });
  },
};

export const foundationJobs: JobDefinition[] = [bindCodeCleanup];
