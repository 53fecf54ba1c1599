import mongoose, { Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from '../../../src/config.ts';
import type { StaffContext } from '../../../src/core/context.ts';
import { extensionPoint } from '../../../src/core/extensions.ts';
import type { JobDefinition } from '../../../src/core/scheduler.ts';
import { defineSettings, timeOfDay } from '../../../src/core/settings.ts';
import { compose, install, type Workflow } from '../../../src/core/workflow.ts';
import { installed } from '../../../src/workflows.ts';

// the "Adding a workflow" example of docs/architecture.md, composed the way src/workflows.ts composes the real ones
const dutySettings = defineSettings('duty', { DUTY_REMIND_AT: timeOfDay('08:30') }, (raw) => ({
  remindAt: raw.DUTY_REMIND_AT,
}));
const DutySignIn = mongoose.model('DutySignInTest', new Schema({ staffId: String, at: Date }));
const duty: Workflow = {
  name: 'duty',
  title: '值班',
  commands: [
    {
      name: 'duty.signin',
      words: ['签到'],
      allow: ['guard'],
      summary: '值班签到',
      example: '签到',
      handler: async (ctx: StaffContext) => void (await ctx.reply('已签到。')),
    },
  ],
  actions: [],
  models: [DutySignIn],
  settings: dutySettings,
};
const dutyJobs: JobDefinition[] = [
  { name: 'duty.remind', cron: '30 8 * * *', description: '提醒签到', run: async () => {} },
];

describe('a workflow is one folder plus one line', () => {
  const composition = compose([...installed, install(duty, dutyJobs)]);

  it('adds its commands under its title, its jobs, models and settings', () => {
    expect(composition.routes.commands.find((c) => c.name === 'duty.signin')?.group).toBe('值班');
    expect(composition.jobs.map((j) => j.name)).toContain('duty.remind');
    expect(composition.models).toContain(DutySignIn);
    expect(configVariables(composition.settings)).toContain('DUTY_REMIND_AT');
  });

  it('reads its settings with their defaults, typed, and names the variable when one is wrong', () => {
    const config = loadConfig({ BOT_CONSOLE: 'off' }, composition.settings);
    expect(dutySettings.of(config).remindAt).toBe('08:30');
    expect(dutySettings.of(loadConfig({ DUTY_REMIND_AT: '07:05' }, composition.settings)).remindAt).toBe('07:05');
    expect(() => loadConfig({ DUTY_REMIND_AT: '25:00' }, composition.settings)).toThrow(ConfigError);
    expect(() => loadConfig({ DUTY_REMIND_AT: '25:00' }, composition.settings)).toThrow(/DUTY_REMIND_AT/);
  });

  it('refuses two workflows that both answer a picture nothing wants; names every picture route after its workflow', () => {
    const wants = async () => undefined;
    const attach = async () => {};
    const otherwise = async () => {};
    const a: Workflow = { ...duty, name: 'a', attachment: { allow: 'staff', wants, attach, otherwise } };
    const b: Workflow = { ...duty, name: 'b', attachment: { allow: 'staff', wants, attach, otherwise } };
    expect(() => compose([install(a), install(b)])).toThrow(/only one workflow may answer a picture nothing wants/);
    const c: Workflow = { ...duty, name: 'c', attachment: { allow: 'staff', wants, attach } };
    expect(compose([install(a), install(c)]).routes.attachments?.map((r) => r.name)).toEqual(['a', 'c']);
  });

  it('refuses a workflow whose required workflow is not installed, and says which and where to install it', () => {
    const withoutReimbursements = installed.filter((i) => i.workflow.name !== 'reimbursements');
    expect(() => compose(withoutReimbursements)).toThrow(
      /workflow "vehicles" needs "reimbursements", which is not installed: install it in src\/workflows.ts/,
    );
    const withoutComplaints = installed.filter((i) => i.workflow.name !== 'complaints');
    expect(() => compose(withoutComplaints)).toThrow(/workflow "clients" needs "complaints"/);
  });

  it('refuses an extension of a workflow that is not installed', () => {
    const point = extensionPoint<string>('rota', 'shifts');
    expect(() => compose([install({ ...duty, extends: [point.with('night')] })])).toThrow(
      /workflow "duty" needs "rota"/,
    );
  });

  it('hands the extended workflow what the others added to its point, in composition order, and nothing when none did', () => {
    const point = extensionPoint<string>('rota', 'shifts');
    const rota: Workflow = { ...duty, name: 'rota' };
    const a: Workflow = { ...duty, name: 'a', requires: ['rota'], extends: [point.with('day')] };
    const b: Workflow = { ...duty, name: 'b', extends: [point.with('night')] };
    expect(compose([install(rota), install(a), install(b)]).extensions.of(point)).toEqual(['day', 'night']);
    expect(compose([install(rota)]).extensions.of(point)).toEqual([]);
  });
});
