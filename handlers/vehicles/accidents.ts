import { actor } from '../../src/core/audit.ts';
import type { Services, StaffContext } from '../../src/core/context.ts';
import type { FormDefinition } from '../../src/core/forms.ts';
import { type CardRef, updateCards } from '../../src/core/notify.ts';
import { dailyNumber, parseRecordNumber } from '../../src/core/numbering.ts';
import { isDuplicateKey } from '../../src/core/once.ts';
import type { PictureTarget } from '../../src/core/router.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import type { Attachment } from '../../src/core/types.ts';
import { accidentCard } from './cards.ts';
import { isNone, loadAccident, parseRegisteredPlate, tell, text } from './common.ts';
import { Accident, AccidentCard, AccidentPhoto, type AccidentRecord, Trip } from './models.ts';
import { accidentReply, acknowledgeButton } from './replies.ts';
import { ACCIDENT_HANDLERS, ACCIDENT_STATUS, CLAUSE, parseOccurred, showOccurred, VIEWERS } from './rules.ts';

/* §3.4.4 如有发生交通事故，第一时间报备人防部，按领导指示处理事故. */

export const accidentForm: FormDefinition = {
  name: 'vehicles.accident',
  // a complete one-message form is saved at once (FormDefinition.oneMessage)
  oneMessage: 'apply',
  title: `交通事故报备（${CLAUSE.accident}）`,
  fields: [
    { key: 'plate', label: '车牌', required: true, parse: parseRegisteredPlate },
    {
      key: 'occurred',
      label: '发生时间',
      required: true,
      prompt: '请输入事故发生时间（如 刚才、今天 14:30、昨天 22:30）',
      placeholder: '刚才 / 今天 14:30',
      parse: (input, ctx) => parseOccurred(input, ctx.services.now(), ctx.services.config.timezone),
      show: (value, ctx) => showOccurred(value, ctx.services.config.timezone),
    },
    {
      key: 'place',
      label: '地点',
      required: true,
      prompt: '请输入事故地点（路名、路口或参照物）',
      parse: text('地点', 100),
    },
    {
      key: 'injuries',
      label: '伤亡情况',
      required: true,
      prompt: '有没有人受伤？（没有请填「无人受伤」）',
      parse: text('伤亡情况', 200),
    },
    {
      key: 'damage',
      label: '车损情况',
      required: true,
      prompt: '车辆和对方财物损坏情况？',
      parse: text('车损情况', 200),
    },
    { key: 'account', label: '经过', prompt: '请简述事故经过（可跳过）', parse: text('经过', 500) },
  ],
  async submit(ctx, v) {
    const now = ctx.services.now();
    const tz = ctx.services.config.timezone;
    const no = await dailyNumber('SG', now, tz);
    const trip = await Trip.findOne({ plate: v.plate, status: 'open' }, { _id: 1 }).lean();
    await Accident.create({
      _id: no,
      plate: v.plate,
      trip: trip?._id ?? null,
      reporter: actor(ctx),
      occurred: v.occurred,
      place: v.place,
      injuries: v.injuries,
      damage: v.damage,
      account: v.account ?? '',
      reportedAt: now,
    });
    const a = (await loadAccident(no))!;
    ctx.log.warn({ accident: no, plate: v.plate }, 'traffic accident reported');
    // 人防部 first (§3.4.4), with the one button that stops the second notice
    const reached = await tell(
      ctx.services,
      ['guard_ops'],
      accidentReply(
        a,
        tz,
        `🚨 交通事故报备：${v.plate}（${no}）`,
        `请立即点「已知悉」，并发送「事故指示 ${no} 指示内容」（${CLAUSE.accident}）`,
        [acknowledgeButton(no)],
      ),
      [],
      [a.reporter.staffId],
    );
    await rememberAccidentCards(no, reached);
    await tell(
      ctx.services,
      ['general_affairs'],
      accidentReply(a, tz, `交通事故：${v.plate}（${no}）`, '已报人防部，供综合部知悉'),
      [],
      [a.reporter.staffId],
    );
    await ctx.reply(
      accidentReply(
        a,
        tz,
        `事故已报备：${no}`,
        reached.length
          ? '已第一时间报人防部。请保护现场、注意安全，按领导指示处理，不要私下承诺赔偿；现场照片可以直接发给我'
          : '暂时联系不到人防部，请立即电话报告人防部负责人！',
      ),
    );
  },
};

/** 事故报备 [字段: 值 lines]: the vehicle out on a trip is filled in. */
export async function reportAccident(ctx: StaffContext): Promise<void> {
  let prefill = ctx.services.forms.oneFieldPerLine(ctx, accidentForm.name, ctx.args);
  if (!/^(车牌|plate)\s*[:：]/m.test(prefill) && ctx.sender?.staffId) {
    const open = await Trip.findOne({ 'driver.staffId': ctx.sender.staffId, status: 'open' }, { plate: 1 }).lean();
    if (open) prefill = `车牌: ${open.plate}\n${prefill}`;
  }
  await ctx.services.forms.start(ctx, accidentForm.name, prefill);
}

/** Bookkeeping of where the cards with 已知悉 went; kept apart from the case so it never races a decision. */
export async function rememberAccidentCards(no: string, refs: readonly CardRef[]): Promise<void> {
  if (refs.length)
    await AccidentCard.insertMany(
      refs.map((r) => ({ accident: no, channel: r.channel, userId: r.userId, messageId: r.messageId ?? null })),
    );
}

/** Every copy of the case's 已知悉 card now shows who acknowledged it, without the button. */
async function updateAccidentCards(services: Services, a: AccidentRecord, note: string): Promise<void> {
  const sent = await AccidentCard.find({ accident: a._id }).lean();
  const refs: CardRef[] = sent.map((c) => ({
    channel: c.channel,
    userId: c.userId,
    messageId: c.messageId ?? undefined,
  }));
  await updateCards(
    services,
    refs,
    accidentReply(a, services.config.timezone, `交通事故：${a.plate}（${a._id}）`, note),
  );
}

async function accidentFrom(
  ctx: StaffContext,
  example: string,
): Promise<{ a: AccidentRecord; rest: string } | undefined> {
  const fromCard = ctx.action?.value.no;
  const typed = fromCard ? undefined : parseRecordNumber('SG', ctx.args);
  const no = (fromCard ?? typed?.number ?? '').toUpperCase();
  if (!no) {
    await ctx.reply(`请写明事故编号，例如：${example}`);
    return undefined;
  }
  const a = await loadAccident(no);
  if (!a) {
    await ctx.toast(`没有找到事故 ${no}。`);
    return undefined;
  }
  return { a, rest: typed?.rest ?? '' };
}

/** Applies one change to the case once; a loser is told who got there first. */
async function change(
  ctx: StaffContext,
  a: AccidentRecord,
  update: Record<string, unknown>,
): Promise<AccidentRecord | undefined> {
  if (await transition(Accident, a._id, a.version, update, ctx.sender.identity)) return (await loadAccident(a._id))!;
  const now = await readAfterTransition(Accident, a._id, a.version);
  await ctx.toast(
    `事故 ${a._id} 刚刚有人处理过（现在${ACCIDENT_STATUS[now?.status ?? a.status]}${now?.acknowledged ? `，${now.acknowledged.by.name} 已知悉` : ''}），请查看后再操作。`,
  );
  return undefined;
}

/** Button 已知悉 / 已知悉 <编号> (人防部). */
export async function acknowledgeAccident(ctx: StaffContext): Promise<void> {
  const found = await accidentFrom(ctx, '已知悉 SG-20261127-001');
  if (!found) return;
  const { a } = found;
  const tz = ctx.services.config.timezone;
  if (a.status !== 'reported') {
    await ctx.toast(`事故 ${a._id} 已由 ${a.acknowledged?.by.name ?? '人防部'} 确认知悉。`);
    return;
  }
  const after = await change(ctx, a, {
    $set: { status: 'acknowledged', acknowledged: { by: actor(ctx), at: ctx.services.now() } },
  });
  if (!after) return;
  ctx.log.info({ accident: a._id }, 'accident acknowledged');
  const note = `${ctx.sender.name} 已知悉。发送「事故指示 ${a._id} 指示内容」告诉司机怎么处理。`;
  if (ctx.can.updatesCards) await updateAccidentCards(ctx.services, after, note);
  else await ctx.reply(accidentReply(after, tz, `交通事故：${a.plate}（${a._id}）`, note));
  await ctx.toast(`已确认知悉事故 ${a._id}。`);
  await tell(ctx.services, [], `人防部 ${ctx.sender.name} 已知悉事故 ${a._id}，请保持电话畅通，按领导指示处理。`, [
    a.reporter,
  ]);
}

/** 事故指示 <编号> <指示>: what the leaders say to do, recorded and sent to the driver. */
export async function instructAccident(ctx: StaffContext): Promise<void> {
  const found = await accidentFrom(ctx, '事故指示 SG-20261127-001 先报警并拍照，等保险公司到场');
  if (!found) return;
  const { a, rest } = found;
  if (!rest || isNone(rest)) {
    await ctx.reply(`请写明指示内容，例如：事故指示 ${a._id} 先报警并拍照，等保险公司到场`);
    return;
  }
  if (a.status === 'closed') {
    await ctx.reply(`事故 ${a._id} 已结案，不能再加指示。`);
    return;
  }
  const now = ctx.services.now();
  const set: Record<string, unknown> = {};
  // an instruction from 人防部 is also its acknowledgement: nobody needs the second notice then
  if (a.status === 'reported')
    Object.assign(set, { status: 'acknowledged', acknowledged: { by: actor(ctx), at: now } });
  const update = {
    ...(Object.keys(set).length ? { $set: set } : {}),
    $push: { instructions: { at: now, by: actor(ctx), text: rest.slice(0, 500) } },
  };
  const after = await change(ctx, a, update);
  if (!after) return;
  if (a.status === 'reported') await updateAccidentCards(ctx.services, after, `${ctx.sender.name} 已知悉并给出指示。`);
  await ctx.reply(`已记录对事故 ${a._id} 的指示，并转告 ${a.reporter.name}。`);
  await tell(
    ctx.services,
    [],
    `📣 事故 ${a._id} 领导指示（${ctx.sender.name}）：${rest}\n请按指示处理（${CLAUSE.accident}）。`,
    [a.reporter],
  );
}

/** 事故结果 <编号> <处理结果>: closes the case. */
export async function closeAccident(ctx: StaffContext): Promise<void> {
  const found = await accidentFrom(ctx, '事故结果 SG-20261127-001 对方全责，保险已理赔，车已修好');
  if (!found) return;
  const { a, rest } = found;
  if (!rest || isNone(rest)) {
    await ctx.reply(`请写明处理结果，例如：事故结果 ${a._id} 对方全责，保险已理赔，车已修好`);
    return;
  }
  if (a.status === 'closed') {
    await ctx.reply(`事故 ${a._id} 已由 ${a.outcome?.by.name ?? ''} 结案。`);
    return;
  }
  const now = ctx.services.now();
  const set = {
    status: 'closed',
    outcome: { at: now, by: actor(ctx), text: rest.slice(0, 500) },
    ...(a.acknowledged ? {} : { acknowledged: { by: actor(ctx), at: now } }),
  };
  if (!(await change(ctx, a, { $set: set }))) return;
  await ctx.reply(`事故 ${a._id} 已结案：${rest}`);
  await tell(ctx.services, [], `事故 ${a._id} 已结案，处理结果：${rest}`, [a.reporter], [ctx.sender?.staffId ?? '']);
}

/** 事故 <编号> (viewers and the reporter), or 事故 alone: the cases not closed. */
export async function showAccident(ctx: StaffContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const viewer = VIEWERS.filter((r) => r !== 'driver').some((r) => ctx.hasRole(r));
  if (!parseRecordNumber('SG', ctx.args)) {
    const filter: Record<string, unknown> = viewer
      ? { status: { $in: ['reported', 'acknowledged'] } }
      : { 'reporter.staffId': ctx.sender?.staffId ?? '-' };
    const open = await Accident.find(filter).sort({ reportedAt: -1 }).limit(20).lean<AccidentRecord[]>();
    if (!open.length) {
      await ctx.reply(viewer ? '没有未结案的事故。' : '你没有报备过事故。发生事故请发送「事故报备」。');
      return;
    }
    await ctx.reply(
      [
        viewer ? '未结案的事故：' : '你报备的事故：',
        ...open.map(
          (a) => `• ${a._id} ${a.plate} ${showOccurred(a.occurred, tz)} ${a.place}（${ACCIDENT_STATUS[a.status]}）`,
        ),
      ].join('\n'),
    );
    return;
  }
  const found = await accidentFrom(ctx, '事故 SG-20261127-001');
  if (!found) return;
  if (!viewer && found.a.reporter.staffId !== ctx.sender?.staffId) {
    await ctx.reply(`没有找到事故 ${found.a._id}。`);
    return;
  }
  const handler = ACCIDENT_HANDLERS.some((r) => ctx.hasRole(r));
  const photos = await AccidentPhoto.countDocuments({ accident: found.a._id });
  await ctx.reply(
    accidentCard(
      found.a,
      tz,
      `事故 ${found.a._id}`,
      photos ? `现场照片 ${photos} 张。` : undefined,
      handler && ctx.hasRole('guard_ops'),
    ),
  );
}

/** Pictures sent this long after reporting an accident are its photos (§3.4.4), not receipts. */
const PHOTO_WINDOW_MS = 2 * 3600_000;

/** The reporter's latest open accident reported within the photo window, if any. */
async function recentAccidentOf(ctx: StaffContext): Promise<AccidentRecord | undefined> {
  if (!ctx.sender.staffId) return undefined;
  const since = new Date(ctx.services.now().getTime() - PHOTO_WINDOW_MS);
  const [a] = await Accident.find({
    'reporter.staffId': ctx.sender.staffId,
    reportedAt: { $gte: since },
    status: { $ne: 'closed' },
  })
    .sort({ reportedAt: -1 })
    .limit(1)
    .lean<AccidentRecord[]>();
  return a;
}

/** A picture from someone who just reported an accident may be of that accident, as of the report. */
export async function wantsAccidentPhoto(ctx: StaffContext): Promise<PictureTarget | undefined> {
  const a = await recentAccidentOf(ctx);
  return a && { id: a._id, at: a.reportedAt, label: `事故 ${a._id} ${a.plate}` };
}

/** Keeps the photos (references) on the case and tells the sender which case and how many it has. */
export async function attachAccidentPhoto(
  ctx: StaffContext,
  target: PictureTarget,
  attachments: readonly Attachment[],
): Promise<void> {
  const a = await loadAccident(target.id);
  if (!a || a.reporter.staffId !== ctx.sender.staffId) {
    await ctx.reply(`收到了，但没有找到你报备的事故 ${target.id}。请发送「事故」查看你报备的事故。`);
    return;
  }
  for (const att of attachments) {
    try {
      await AccidentPhoto.create({
        _id: `${a._id}:${att.ref}`,
        accident: a._id,
        ref: att.ref,
        kind: att.kind,
        by: ctx.sender.identity,
        at: ctx.services.now(),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  const n = await AccidentPhoto.countDocuments({ accident: a._id });
  await ctx.reply(`已附到事故 ${a._id}（${a.plate}）的现场照片，共 ${n} 张。人防部查看「事故 ${a._id}」时能看到。`);
}
