import { beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../../src/bot.ts';
import type { ErrorScope, OnError } from '../../../src/core/errors.ts';
import { type JobDefinition, type JobDeps, Scheduler, slotKey } from '../../../src/core/scheduler.ts';
import { ScheduleSlot } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { silentLog, testConfig } from '../../helpers/harness.ts';

useDatabase('scheduler');

beforeEach(clearCollections);

function deps(now: () => Date): JobDeps {
  const bot = new Bot({ config: testConfig(), log: silentLog, receivers: [], workflows: composition, jobs: [], now });
  return { ...bot.services, recoverInbox: async () => 0 };
}

describe('scheduler', () => {
  it('fires each slot once with two bot instances on one database', async () => {
    const runs: string[] = [];
    const job: JobDefinition = {
      name: 'test.everyMinute',
      cron: '* * * * *',
      description: 'test',
      run: async (_d, slot) => void runs.push(slot.toISOString()),
    };
    const clock = () => new Date('2026-11-27T13:00:00Z');
    const a = new Scheduler([job], deps(clock), 'instance-a');
    const b = new Scheduler([job], deps(clock), 'instance-b');
    // both instances' cron ticks arrive for the same five slots, as they do in production
    const slots = Array.from({ length: 5 }, (_, i) => new Date(Date.UTC(2026, 10, 27, 13, i)));
    const won = await Promise.all(slots.flatMap((slot) => [a.fire(job, slot), b.fire(job, slot)]));
    expect(won.filter(Boolean)).toHaveLength(5);
    expect(runs.sort()).toEqual(slots.map((s) => s.toISOString()));
    const owners = await ScheduleSlot.find({ job: 'test.everyMinute' }).lean();
    expect(owners).toHaveLength(5);
    expect(owners.every((o) => o.status === 'done')).toBe(true);
  });

  it('runs what fell due when the console moves the clock on (:time 22:00): each job once at its latest slot, nothing on a move back', async () => {
    const runs: string[] = [];
    const every: JobDefinition = {
      name: 'test.minute',
      cron: '* * * * *',
      description: '每分钟',
      run: async (_d, slot) => void runs.push(`minute ${slot.toISOString()}`),
    };
    const evening: JobDefinition = {
      name: 'test.evening',
      cron: '45 21 * * *',
      description: '查房',
      run: async (_d, slot) => void runs.push(`evening ${slot.toISOString()}`),
    };
    const morning: JobDefinition = {
      name: 'test.morning',
      cron: '30 8 * * *',
      description: '早上',
      run: async () => void runs.push('morning'),
    };
    const s = new Scheduler(
      [every, evening, morning],
      deps(() => new Date()),
      'console',
    );
    // 10:00 → 22:00 Shanghai
    const ran = await s.runDue(new Date('2026-11-27T02:00:00Z'), new Date('2026-11-27T14:00:00Z'));
    expect(ran.map((j) => j.description)).toEqual(['每分钟', '查房']);
    expect(runs).toEqual(['minute 2026-11-27T14:00:00.000Z', 'evening 2026-11-27T13:45:00.000Z']);
    expect(await s.runDue(new Date('2026-11-27T14:00:00Z'), new Date('2026-11-27T14:00:00Z'))).toEqual([]);
    expect(await s.runDue(new Date('2026-11-27T14:00:00Z'), new Date('2026-11-27T12:00:00Z'))).toEqual([]);
  });

  it('catches up a slot missed while the bot was down, once, when still meaningful', async () => {
    const runs: string[] = [];
    const job: JobDefinition = {
      name: 'test.daily',
      cron: '0 21 * * *', // 21:00 Shanghai = 13:00 UTC
      description: 'test',
      catchUpMs: 2 * 3600_000,
      run: async (_d, slot) => void runs.push(slot.toISOString()),
    };
    const now = new Date('2026-11-27T13:30:00Z');
    const a = new Scheduler(
      [job],
      deps(() => now),
      'a',
    );
    const b = new Scheduler(
      [job],
      deps(() => now),
      'b',
    );
    expect(await a.catchUp(now)).toEqual([slotKey('test.daily', new Date('2026-11-27T13:00:00Z'))]);
    expect(await b.catchUp(now)).toEqual([]);
    expect(runs).toEqual(['2026-11-27T13:00:00.000Z']);
  });

  it('does not catch up a slot that is too old to matter', async () => {
    const runs: string[] = [];
    const job: JobDefinition = {
      name: 'test.old',
      cron: '0 21 * * *',
      description: 'test',
      catchUpMs: 3600_000,
      run: async () => void runs.push('x'),
    };
    const now = new Date('2026-11-27T16:00:00Z');
    await new Scheduler(
      [job],
      deps(() => now),
      'a',
    ).catchUp(now);
    expect(runs).toEqual([]);
  });

  it('records a failing job and keeps going', async () => {
    const job: JobDefinition = {
      name: 'test.fail',
      cron: '0 21 * * *',
      description: 'test',
      catchUpMs: 3600_000,
      run: async () => {
        throw new Error('nope');
      },
    };
    const now = new Date('2026-11-27T13:10:00Z');
    await new Scheduler(
      [job],
      deps(() => now),
      'a',
    ).catchUp(now);
    const slot = await ScheduleSlot.findOne({ job: 'test.fail' }).lean();
    expect(slot?.status).toBe('failed');
    expect(slot?.error).toContain('nope');
  });

  it('reports a failing job through the one error hook, and its slot keeps the reference id', async () => {
    const job: JobDefinition = {
      name: 'test.hooked',
      cron: '0 21 * * *',
      description: 'test',
      catchUpMs: 3600_000,
      run: async () => {
        throw new Error('nope');
      },
    };
    const now = new Date('2026-11-27T13:10:00Z');
    const heard: ErrorScope[] = [];
    const onError: OnError = (_err, scope) => (heard.push(scope), 'JOBREF01');
    await new Scheduler([job], { ...deps(() => now), onError }, 'a').catchUp(now);
    expect(heard).toEqual([
      { what: 'scheduled job failed', job: { name: 'test.hooked', slot: new Date('2026-11-27T13:00:00Z') } },
    ]);
    expect(await ScheduleSlot.findOne({ job: 'test.hooked' }).lean()).toMatchObject({
      status: 'failed',
      refId: 'JOBREF01',
    });
  });

  it('reads a job’s time from the settings when its cron is a function (e.g. CLIENT_DAILY_AT)', async () => {
    const runs: string[] = [];
    const job: JobDefinition = {
      name: 'test.morning',
      cron: (config) => (config.timezone === 'Asia/Shanghai' ? '15 7 * * *' : 'never'),
      description: 'test',
      catchUpMs: 3600_000,
      run: async (_d, slot) => void runs.push(slot.toISOString()),
    };
    const now = new Date('2026-11-27T23:20:00Z'); // 07:20 on the 28th in Shanghai
    await new Scheduler(
      [job],
      deps(() => now),
      'a',
    ).catchUp(now);
    expect(runs).toEqual(['2026-11-27T23:15:00.000Z']);
  });
});
