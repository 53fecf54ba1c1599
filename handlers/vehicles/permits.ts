import { actor } from '../../src/core/audit.ts';
import { auditKey, type ChangeNote, trailOf } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import type { FieldResult, FormDefinition } from '../../src/core/forms.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import { permitLine } from './cards.ts';
import { dayField, decodePeople, isNone, parseRegisteredPlate, peopleField, tell, text } from './common.ts';
import { Permit, type PermitRecord } from './models.ts';
import { CLAUSE, MANAGERS, PERMIT_ISSUERS, permitDatesProblem, permitIssuerProblem, today } from './rules.ts';

/* §3.4.1 专人驾车制度: the driving permits 综合部 issues after an assessment (the registry: registry.ts). */

// ─── 准驾证 ──────────────────────────────────────────────────────────────────

async function parsePlates(input: string): Promise<FieldResult> {
  const plates: string[] = [];
  for (const w of input.split(/[、,，;；\s]+/).filter(Boolean)) {
    const r = await parseRegisteredPlate(w);
    if (!r.ok) return r;
    if (!plates.includes(r.value)) plates.push(r.value);
  }
  return plates.length ? { ok: true, value: plates.join('、') } : { ok: false, error: '请填写准驾车辆的车牌。' };
}

export const permitForm: FormDefinition = {
  name: 'vehicles.permit',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: `发放准驾证（${CLAUSE.permit}）`,
  allow: PERMIT_ISSUERS,
  fields: [
    {
      key: 'holder',
      label: '司机',
      required: true,
      prompt: '请输入考核通过的司机（姓名或电话）',
      ...peopleField('司机', true),
      // nobody issues a permit to himself: refused at this question, before the rest is asked
      check: (holder, ctx) => permitIssuerProblem(decodePeople(holder)[0]?.staffId ?? '', ctx.sender.staffId),
    },
    {
      key: 'vehicles',
      label: '准驾车辆',
      required: true,
      prompt: '请输入准驾车辆的车牌（多辆用顿号隔开）',
      placeholder: '粤B12345、粤B67890',
      parse: parsePlates,
    },
    {
      key: 'number',
      label: '准驾证号',
      required: true,
      placeholder: '如 ZJ-2026-001',
      parse: (i) =>
        /^[\w-]{2,30}$/.test(i)
          ? { ok: true, value: i.toUpperCase() }
          : { ok: false, error: '准驾证号请用字母、数字和横线，最多 30 位。' },
      check: async (number) =>
        (await Permit.exists({ _id: number })) ? `准驾证号 ${number} 已经用过了，请换一个。` : undefined,
    },
    {
      key: 'assessedOn',
      label: '考核日期',
      required: true,
      prompt: '请输入考核通过的日期（如 2026-11-20，今天可回复「今天」）',
      parse: dayField('考核日期'),
    },
    {
      key: 'expiresOn',
      label: '有效期至',
      required: true,
      prompt: '请输入准驾证有效期至（如 2027-11-19）',
      parse: dayField('有效期至'),
    },
    { key: 'assessor', label: '考核人', required: true, parse: text('考核人', 20) },
  ],
  async validate(ctx, v) {
    const errors: Record<string, string> = {};
    const problem = permitDatesProblem(
      v.assessedOn!,
      v.expiresOn!,
      today(ctx.services.now(), ctx.services.config.timezone),
    );
    if (problem) errors[problem.includes('考核日期') ? 'assessedOn' : 'expiresOn'] = problem;
    return errors;
  },
  async submit(ctx, v) {
    const [holder] = decodePeople(v.holder!);
    // checked again here: the answer at the 司机 question may be older than a role change
    const self = permitIssuerProblem(holder?.staffId ?? '', ctx.sender.staffId);
    if (self) {
      await ctx.reply(`${self}没有发证。`);
      return;
    }
    const vehicles = v.vehicles!.split('、');
    const note = permitNote(
      v.number!,
      holder!,
      vehicles,
      '发准驾证',
      `${vehicles.join('、')}，有效期至 ${v.expiresOn}`,
      `考核 ${v.assessedOn} ${v.assessor}`,
    );
    try {
      await trailOf(ctx).change(Permit, v.number, note, (carry) =>
        Permit.create(
          carry.doc({
            _id: v.number,
            holder,
            vehicles,
            assessedOn: v.assessedOn,
            expiresOn: v.expiresOn,
            assessor: v.assessor,
            issuedBy: actor(ctx),
            issuedAt: ctx.services.now(),
          }),
        ),
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await ctx.reply(`准驾证号 ${v.number} 已经用过了，没有发证。`);
      return;
    }
    ctx.log.info({ permit: v.number, holder: holder!.staffId }, 'driving permit issued');
    const line = `准驾证 ${v.number}：${holder!.name} 可驾驶 ${vehicles.join('、')}，有效期至 ${v.expiresOn}。`;
    await ctx.reply(`已发证。${line}`);
    await tell(
      ctx.services,
      [],
      `🚗 ${ctx.hasRole('general_affairs') ? '综合部' : '董事长'}已为你发放${line}\n出车时发送「出车 车牌」，收车时发送「收车」。`,
      [holder!],
      [ctx.sender?.staffId ?? ''],
    );
  },
};

/** 发准驾证 [字段: 值 lines] */
export async function issuePermit(ctx: StaffContext): Promise<void> {
  await ctx.services.forms.start(ctx, permitForm.name, ctx.args);
}

/** 吊销准驾证 <证号> <原因> */
export async function revokePermit(ctx: StaffContext): Promise<void> {
  const [no = '', ...why] = ctx.args.trim().split(/\s+/);
  const reason = why.join(' ');
  if (!no || !reason || isNone(reason)) {
    await ctx.reply('请写明准驾证号和吊销原因，例如：吊销准驾证 ZJ-2026-001 违规将车交给无证人员驾驶');
    return;
  }
  const p = await Permit.findById(no.toUpperCase()).lean<PermitRecord>();
  if (!p) {
    await ctx.reply(`没有找到准驾证 ${no}。发送「准驾证」查看在册的准驾证。`);
    return;
  }
  if (p.status === 'revoked') {
    await ctx.reply(`准驾证 ${p._id} 已被 ${p.revoked?.by.name ?? ''} 吊销，不用再吊销。`);
    return;
  }
  const revoked = { by: actor(ctx), at: ctx.services.now(), reason };
  const note = permitNote(p._id, p.holder, p.vehicles, '吊销准驾证', '已吊销', reason);
  if (
    !(await trailOf(ctx).change(Permit, p._id, note, (carry) =>
      transition(Permit, p._id, p.version, carry.update({ $set: { status: 'revoked', revoked } }), ctx.sender.identity),
    ))
  ) {
    const now = await readAfterTransition(Permit, p._id, p.version);
    await ctx.reply(`准驾证 ${p._id} 刚刚已由 ${now?.revoked?.by.name ?? '他人'} 处理。`);
    return;
  }
  ctx.log.info({ permit: p._id }, 'driving permit revoked');
  await ctx.reply(`已吊销准驾证 ${p._id}（${p.holder.name}），即日起不能再出车。`);
  await tell(
    ctx.services,
    [],
    `你的准驾证 ${p._id} 已被综合部吊销，原因：${reason}。即日起不能驾驶公司车辆（${CLAUSE.onlyHolders}）。`,
    [p.holder],
  );
}

/** A permit's change for the audit trail: the permit's, its holder's and its vehicles' history. */
function permitNote(
  no: string,
  holder: { staffId: string; name: string },
  vehicles: readonly string[],
  what: string,
  to: string,
  note: string,
): ChangeNote {
  return {
    kind: 'permit',
    record: { type: 'permit', id: no, label: no },
    subject: holder,
    what,
    to,
    note,
    alsoKeys: vehicles.map((p) => auditKey('vehicle', p)),
  };
}

/** 准驾证: 综合部 sees every permit in force; anyone else their own. */
export async function listPermits(ctx: StaffContext): Promise<void> {
  const all = MANAGERS.some((r) => ctx.hasRole(r));
  const filter: Record<string, unknown> = all ? { status: 'active' } : { 'holder.staffId': ctx.sender?.staffId ?? '-' };
  const ps = await Permit.find(filter).sort({ expiresOn: 1 }).limit(100).lean<PermitRecord[]>();
  if (!ps.length) {
    await ctx.reply(
      all
        ? '没有在册的准驾证。发送「发准驾证」为考核通过的司机发证。'
        : `你没有准驾证。需要驾车请联系综合部考核发证（${CLAUSE.permit}）。`,
    );
    return;
  }
  await ctx.reply(
    [all ? `在册准驾证 ${ps.length} 张：` : '你的准驾证：', ...ps.map((p) => `• ${permitLine(p)}`)].join('\n'),
  );
}
