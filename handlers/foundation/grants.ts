import { type ChangeNote, trailOf } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { type CardRef, notify, recipientsOf, recipientsWithRole, updateCards } from '../../src/core/notify.ts';
import { dailyNumber, formatDateTime } from '../../src/core/numbering.ts';
import { GRANT_CONFIRMERS, roleNames } from '../../src/core/roles.ts';
import { readAfterTransition, transition } from '../../src/core/transition.ts';
import type { Card, Channel, Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';
import { GrantRequest } from './models.ts';
import {
  GRANT_STATUS_LABELS,
  type GrantRequestState,
  grantsNeedingConfirmation,
  mayConfirmGrant,
  parseGrantNo,
} from './rules.ts';
import { applyToStaff, type StaffRow, staffRecord, state, subjectOf, whoIs } from './staff-record.ts';

/*
 * A grant of an approving role (issue #20) held on a confirmation card (GrantRequest) until 董事长 or
 * another 行政部 member confirms it; the staff record is written only then, from the version asked on.
 */

type GrantRecord = GrantRequestState & {
  kind: 'roles' | 'enable';
  staffName: string;
  before: string[];
  after: string[];
  granted: string[];
  staffVersion: number;
  requestedBy: { staffId: string; name: string; identity: string };
  requestedAt: Date;
  decidedBy: { staffId: string; name: string; identity: string } | null;
  decidedAt: Date | null;
  note: string;
  version: number;
  cards: { channel: string; userId: string; messageId: string }[];
};

/** Holds a grant on a card for 董事长 and the other 行政部 members; returns (and by default replies) the answer. */
export async function requestGrant(
  ctx: StaffContext,
  s: StaffRow,
  kind: 'roles' | 'enable',
  after: readonly Role[],
  reply = true,
): Promise<string> {
  const now = ctx.services.now();
  const no = await dailyNumber('QX', now, ctx.services.config.timezone);
  const granted = grantsNeedingConfirmation(state(s), kind === 'roles' ? { roles: after } : { active: true });
  const doc = {
    _id: no,
    kind,
    staffId: String(s._id),
    staffName: s.name,
    before: s.roles,
    after: [...after],
    granted,
    staffVersion: s.version ?? 0,
    requestedBy: whoIs(ctx),
    requestedAt: now,
  };
  const what = kind === 'roles' ? '申请授予角色' : '申请启用';
  const note: ChangeNote = {
    kind: kind === 'roles' ? 'roles' : 'active',
    record: staffRecord(s),
    subject: subjectOf(s),
    what,
    from: roleNames(s.roles as Role[]),
    to: roleNames(after),
    note: `${no} 待确认`,
  };
  await trailOf(ctx).change(GrantRequest, no, note, (carry) => GrantRequest.create(carry.doc(doc)));
  const req = (await GrantRequest.findById(no).lean()) as GrantRecord;
  const people = await recipientsWithRole(
    ctx.services,
    [...GRANT_CONFIRMERS],
    [ctx.sender.staffId ?? '', String(s._id)],
  );
  const refs = await notify(ctx.services, people, grantCard(req, ctx.services.config.timezone));
  if (refs.length)
    await GrantRequest.updateOne(
      { _id: no },
      { $push: { cards: { $each: refs.map((r) => ({ ...r, messageId: r.messageId ?? '' })) } } },
    );
  const change =
    kind === 'roles' ? `把 ${s.name} 的角色改为 ${roleNames(after)}` : `启用 ${s.name}（角色：${roleNames(after)}）`;
  const text = [
    `${change}：含审批角色 ${roleNames(granted)}，须由董事长或另一位行政部成员确认（编号 ${no}）。确认前 ${s.name} 的角色和状态不变。`,
    people.length
      ? `已发给：${[...new Set(people.map((p) => p.name))].join('、')}。`
      : '⚠️ 目前没有可以确认的人（董事长或其他行政部成员未绑定）。他们绑定后可发送「确认授权 ' + no + '」。',
  ].join('\n');
  ctx.log.info({ grant: no, staffId: String(s._id), granted }, 'role grant requested');
  if (reply) await ctx.reply(text);
  return text;
}

function grantCard(req: GrantRecord, tz: string): Card {
  const change =
    req.kind === 'roles'
      ? `${req.staffName} 的角色：${roleNames(req.before as Role[])} → ${roleNames(req.after as Role[])}`
      : `启用 ${req.staffName}（角色：${roleNames(req.after as Role[])}）`;
  const lines = [
    `${req.requestedBy.name} 申请 ${formatDateTime(req.requestedAt, tz)}：`,
    change,
    `其中审批角色：${roleNames(req.granted as Role[])}`,
  ];
  if (req.status !== 'pending') {
    const who = req.decidedBy ? `${req.decidedBy.name} ${formatDateTime(req.decidedAt!, tz)} ` : '';
    return {
      title: `角色授权 ${req._id}：${GRANT_STATUS_LABELS[req.status]}`,
      color: req.status === 'confirmed' ? 'green' : 'grey',
      lines: [...lines, `${who}${GRANT_STATUS_LABELS[req.status]}${req.note ? `：${req.note}` : ''}`],
    };
  }
  return {
    title: `角色授权待确认 ${req._id}`,
    color: 'orange',
    lines,
    buttons: [
      { label: '确认授权', action: 'staff.grant', value: { no: req._id, d: 'confirm' }, style: 'primary' },
      { label: '拒绝', action: 'staff.grant', value: { no: req._id, d: 'refuse' }, style: 'danger' },
    ],
    note: `发起人和${req.staffName}本人不能确认。也可发送：确认授权 ${req._id} 或 拒绝授权 ${req._id} 原因`,
  };
}

/**
 * 确认授权 / 拒绝授权, by command or card: one decision per request however many click (the
 * request's transition), and a confirmation applies only if the staff record is still at the
 * version it was asked on (the staff record's transition from that version: atomic on FerretDB).
 */
async function decideGrant(
  ctx: StaffContext,
  no: string,
  decision: 'confirm' | 'refuse',
  reason: string,
): Promise<void> {
  const tz = ctx.services.config.timezone;
  const req = (await GrantRequest.findById(no).lean()) as GrantRecord | null;
  if (!req) {
    await ctx.toast(`没有找到授权申请 ${no}。`);
    return;
  }
  const verdict = mayConfirmGrant(req, {
    staffId: ctx.sender.staffId,
    identity: ctx.sender.identity,
    roles: ctx.sender.roles,
  });
  if (!verdict.ok) {
    await ctx.toast(
      verdict.why + (req.decidedBy ? `（${req.decidedBy.name} ${formatDateTime(req.decidedAt!, tz)}）` : ''),
    );
    return;
  }
  const staff = (await Staff.findById(req.staffId).lean()) as StaffRow | null;
  const trail = trailOf(ctx);
  const decided = { decidedBy: whoIs(ctx), decidedAt: ctx.services.now() };
  const stale = !staff || (staff.version ?? 0) !== req.staffVersion;
  const status = decision === 'refuse' ? 'refused' : stale ? 'void' : 'confirmed';
  const note = decision === 'refuse' ? reason : stale ? '申请后此人的角色或状态已被修改' : '';
  const record = { type: 'staff', id: req.staffId, label: req.staffName };
  const subject = { staffId: req.staffId, name: req.staffName };
  // the request is claimed first: a double click, or 确认 and 拒绝 at once, end in one decision
  const trailNote: ChangeNote[] =
    status === 'confirmed'
      ? []
      : [
          {
            kind: 'roles',
            record,
            subject,
            what: status === 'refused' ? '拒绝授权' : '授权作废',
            note: `${no}${note ? `：${note}` : ''}`,
          },
        ];
  const won = await trail.change(GrantRequest, no, trailNote, (carry) =>
    transition(
      GrantRequest,
      no,
      req.version,
      carry.update({ $set: { status, note, ...decided } }),
      ctx.sender.identity,
    ),
  );
  if (!won) {
    const now = (await readAfterTransition(GrantRequest, no, req.version)) as GrantRecord | null;
    await ctx.toast(
      `授权 ${no} 已由 ${now?.decidedBy?.name ?? '他人'} 处理（${GRANT_STATUS_LABELS[now?.status ?? 'pending']}），无需重复操作。`,
    );
    return;
  }
  let answer: string;
  if (status === 'confirmed') {
    const set = req.kind === 'roles' ? { roles: req.after as Role[] } : { active: true };
    const change: ChangeNote =
      req.kind === 'roles'
        ? {
            kind: 'roles',
            record,
            subject,
            what: '角色',
            from: roleNames(req.before as Role[]),
            to: roleNames(req.after as Role[]),
            note: `${no}，${req.requestedBy.name} 申请，${ctx.sender.name} 确认`,
          }
        : {
            kind: 'active',
            record,
            subject,
            what: '启用',
            from: '已停用',
            to: '在职',
            note: `${no}，${req.requestedBy.name} 申请，${ctx.sender.name} 确认`,
          };
    const applied = await applyToStaff(trail, staff!, set, [change], ctx.sender.identity, req.staffVersion);
    if (!applied) {
      // the record moved between our read and our write: the grant does not apply
      const voided: ChangeNote = {
        kind: 'roles',
        record,
        subject,
        what: '授权作废',
        note: `${no}：确认时此人的档案正被修改`,
      };
      await trail.change(GrantRequest, no, voided, (carry) =>
        GrantRequest.updateOne(
          { _id: no },
          carry.update({ $set: { status: 'void', note: '确认时此人的档案正被修改' } }),
        ),
      );
      answer = `授权 ${no} 作废：确认时 ${req.staffName} 的档案正被别人修改。如仍需要，请重新发起。`;
    } else
      answer = `已确认授权 ${no}：${req.kind === 'roles' ? `${req.staffName} 的角色现为 ${roleNames(req.after as Role[])}` : `已启用 ${req.staffName}`}。`;
  } else if (status === 'void')
    answer = `授权 ${no} 已作废：申请后 ${req.staffName} 的角色或状态已被修改。如仍需要，请重新发起「设置角色」。`;
  else answer = `已拒绝授权 ${no}（${req.staffName}）。`;
  ctx.log.info({ grant: no, status }, 'role grant decided');
  const fresh = (await GrantRequest.findById(no).lean()) as GrantRecord;
  const card = grantCard(fresh, tz);
  await updateCards(ctx.services, fresh.cards.map((c) => ({ ...c, channel: c.channel as Channel })) as CardRef[], card);
  if (ctx.can.updatesCards && ctx.action?.messageId && !fresh.cards.some((c) => c.messageId === ctx.action!.messageId))
    await ctx.updateCard(card);
  const told = await recipientsOf(
    ctx.services,
    [
      { id: req.requestedBy.staffId, name: req.requestedBy.name },
      { id: req.staffId, name: req.staffName },
    ].filter((p) => p.id),
  );
  await notify(
    ctx.services,
    told,
    `${answer.replace(/^已/, `${ctx.sender.name} 已`)}${reason && decision === 'refuse' ? `\n原因：${reason}` : ''}`,
  );
  await ctx.toast(answer);
}

/** 确认授权 <编号> (董事长, 行政部) */
export async function confirmGrant(ctx: StaffContext): Promise<void> {
  const no = parseGrantNo(ctx.args);
  if (!no) {
    await ctx.reply('请写明授权编号，例如：确认授权 QX-20261127-001');
    return;
  }
  await decideGrant(ctx, no, 'confirm', '');
}

/** 拒绝授权 <编号> [原因] */
export async function refuseGrant(ctx: StaffContext): Promise<void> {
  const no = parseGrantNo(ctx.args);
  if (!no) {
    await ctx.reply('请写明授权编号，例如：拒绝授权 QX-20261127-001 不需要财务权限');
    return;
  }
  await decideGrant(
    ctx,
    no,
    'refuse',
    ctx.args
      .replace(/\bQX-\d{8}-\d{3,}\b/i, '')
      .trim()
      .slice(0, 100),
  );
}

/** Card buttons 确认授权 / 拒绝 */
export async function grantFromCard(ctx: StaffContext): Promise<void> {
  const { no = '', d = '' } = ctx.action?.value ?? {};
  await decideGrant(ctx, no, d === 'refuse' ? 'refuse' : 'confirm', '');
}
