import { type AuditQuery, findAudit } from '../../src/core/audit-query.ts';
import { AUDIT_KINDS, type AuditKind, auditLine, parseAuditKind } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { parsePeriod } from '../../src/core/dates.ts';
import { echo, parseMobile } from '../../src/core/text.ts';
import { Staff } from '../../src/models/index.ts';
import { staffNamed } from '../../src/roster/names.ts';

/*
 * 审计 [人名|编号] [类型] [期间] [第N页] (行政部, 董事长): the audit trail, newest first, a page of
 * short lines at a time. Reading only: nothing in the bot edits or deletes an entry.
 */

const PAGE = 10;
const EXAMPLE = '审计 张三 角色 2026-11';

/** What 审计's words select (导出 审计 reads the same words), or what to tell the asker. */
export async function readAuditWords(
  ctx: StaffContext,
  args: string,
): Promise<{ query: AuditQuery; filters: string; page: number } | { error: string }> {
  const now = ctx.services.now();
  const tz = ctx.services.config.timezone;
  let kind: AuditKind | undefined;
  let period: { from: Date; to: Date } | undefined;
  let periodWord = '';
  let page = 1;
  const rest: string[] = [];
  for (const word of args.split(/\s+/).filter(Boolean)) {
    const k = parseAuditKind(word);
    const p = /^第?(\d{1,3})页$/.exec(word);
    const d = k || p ? undefined : parsePeriod(word, now, tz);
    if (k) kind = k;
    else if (p) page = Math.max(1, Number(p[1]));
    else if (d === 'bad') {
      return {
        error: `期间「${echo(word)}」不是有效的日期。可写 2026-11、11月、2026-11-27 或 2026-11-01~2026-11-15。`,
      };
    } else if (d) {
      period = d;
      periodWord = word;
    } else rest.push(word);
  }
  const target = rest.join(' ');
  let staffId: string | undefined;
  let who = '';
  if (target) {
    const phone = parseMobile(target);
    const people = phone ? await Staff.find({ phone }).limit(5).lean() : await staffNamed(target, {}, 5);
    if (people.length > 1) {
      return {
        error: [
          `有 ${people.length} 位「${echo(target)}」，请改用电话指定，例如：审计 ${people[0]!.phone}`,
          ...people.map((s) => `• ${s.name} ${s.post}`),
        ].join('\n'),
      };
    }
    if (people.length === 1) {
      staffId = String(people[0]!._id);
      who = people[0]!.name;
    }
  }
  const filters = [who || target, kind ? AUDIT_KINDS[kind] : '', periodWord].filter(Boolean).join(' ');
  return {
    query: { staffId, record: staffId ? undefined : target || undefined, kind, from: period?.from, to: period?.to },
    filters,
    page,
  };
}

export async function showAudit(ctx: StaffContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const read = await readAuditWords(ctx, ctx.args);
  if ('error' in read) {
    await ctx.reply(read.error);
    return;
  }
  const { filters, page } = read;
  const { entries, more } = await findAudit({ ...read.query, page, pageSize: PAGE });
  if (!entries.length) {
    await ctx.reply(
      page > 1
        ? `审计记录${filters ? `（${filters}）` : ''}没有第 ${page} 页了。`
        : `没有找到审计记录${filters ? `（${filters}）` : ''}。可按人名或编号、类型（${Object.values(AUDIT_KINDS).join('、')}）和期间查，例如：${EXAMPLE}`,
    );
    return;
  }
  const next = ['审计', ...ctx.args.split(/\s+/).filter((w) => w && !/^第?\d{1,3}页$/.test(w)), `第${page + 1}页`].join(
    ' ',
  );
  await ctx.reply({
    title: `审计记录${filters ? `：${filters}` : ''}（第 ${page} 页）`,
    color: 'grey',
    lines: entries.map((e) => auditLine(e, tz)),
    note: more ? `更早的记录请发送：${next}` : '以上是全部记录。',
  });
}
