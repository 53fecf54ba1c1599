import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { StaffContext } from '../../src/core/context.ts';
import { refusal } from '../../src/core/dispatch.ts';
import { type ExportDefinition, REPORTING } from '../../src/core/reporting.ts';
import { type CommandRoute, isAllowed } from '../../src/core/router.ts';
import { nearestCommands, SUGGEST_ACTION, suggestedText } from '../../src/core/suggest.ts';
import { echo, matchWord } from '../../src/core/text.ts';
import type { Card } from '../../src/core/types.ts';
import { EXPORT_MAX_BYTES, writeXlsx } from '../../src/core/xlsx-export.ts';

/*
 * 导出 <列表> [条件]: any list a workflow offers (Workflow.reporting.exports) as an .xlsx file, with
 * the list's own filters and the list's own roles. The file is written to DATA_DIR/exports/tmp,
 * sent as a file message and removed; the console keeps its own copy under DATA_DIR/exports.
 */

/** Timings of 导出; tests shorten them. */
export const EXPORT_TIMING = {
  /** A person waiting longer than this is told the file is being made (Lark's users expect a reply within seconds). */
  noticeAfterMs: 3000,
  /** Files left in the temporary folder by an export that never finished are removed after this. */
  tmpMaxAgeMs: 3600_000,
};

export const EXPORT_EXAMPLE = '导出 投诉列表 本月';

/** The export named at the start of `args` (the longest word wins), with what follows it. */
export function findExport(
  defs: readonly ExportDefinition[],
  args: string,
): { def: ExportDefinition; rest: string } | undefined {
  let best: { def: ExportDefinition; rest: string; len: number } | undefined;
  for (const def of defs) {
    const m = matchWord(args, def.words);
    if (m && (!best || m.word.length > best.len)) best = { def, rest: m.rest, len: m.word.length };
  }
  return best && { def: best.def, rest: best.rest };
}

/** The exports this person may write. */
export function exportsFor(ctx: StaffContext): ExportDefinition[] {
  return ctx.services.extensions.of(REPORTING.exports).filter((d) => isAllowed(d.allow, ctx));
}

function menu(usable: readonly ExportDefinition[]): string {
  if (!usable.length) return '你没有可以导出的列表。';
  return [
    `导出哪张表？例如：${EXPORT_EXAMPLE}`,
    `你可以导出：${usable.map((d) => d.words[0]).join('、')}`,
    '条件和列表命令的一样（如 本月、2026-11、全部）。',
  ].join('\n');
}

/** A list name that is no list: the nearest ones this person may export, as buttons. */
function notFound(usable: readonly ExportDefinition[], args: string): string | Card {
  const routes: CommandRoute[] = usable.map((d) => ({
    name: d.title,
    words: d.words,
    allow: 'staff',
    handler: async () => {},
    summary: d.title,
    example: '',
  }));
  const near = nearestCommands(routes, args);
  const typed = echo(args.split(/\s/)[0] ?? '', 12);
  if (!near.length) return `没有「${typed}」这张表。\n${menu(usable)}`;
  return {
    title: `你是不是要：${near.map((s) => `导出 ${s.word}`).join(' / ')}`,
    color: 'orange',
    lines: [`没有「${typed}」这张表。`],
    buttons: near.map((s, i) => ({
      label: echo(`导出 ${suggestedText(s)}`, 16),
      action: SUGGEST_ACTION,
      value: { text: `导出 ${suggestedText(s)}` },
      style: i === 0 ? 'primary' : 'default',
    })),
    note: `可以导出：${usable.map((d) => d.words[0]).join('、')}`,
  };
}

/** A new file in DATA_DIR/exports/tmp; leftovers of exports that died on the way are cleared first. */
async function tempFile(dataDir: string, now: number): Promise<string> {
  const dir = path.resolve(dataDir, 'exports', 'tmp');
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    const p = path.join(dir, name);
    const s = await stat(p).catch(() => undefined);
    if (s && now - s.mtimeMs > EXPORT_TIMING.tmpMaxAgeMs) await rm(p, { force: true });
  }
  return path.join(dir, `${randomUUID()}.xlsx`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 导出 <列表> [条件] */
export async function exportList(ctx: StaffContext): Promise<void> {
  const usable = exportsFor(ctx);
  const args = ctx.args.trim();
  if (!args) {
    await ctx.reply(menu(usable));
    return;
  }
  const found = findExport(ctx.services.extensions.of(REPORTING.exports), args);
  if (!found) {
    await ctx.reply(notFound(usable, args));
    return;
  }
  const { def, rest } = found;
  // the list's own refusal: whoever may not see the list may not have it as a file either
  if (!isAllowed(def.allow, ctx)) {
    ctx.log.info({ export: def.title }, 'refused: role');
    await ctx.reply(refusal(def.allow, def.words[0]!));
    return;
  }
  const { config } = ctx.services;
  let notice: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    notice = ctx.reply(`正在生成「${def.title}」，请稍候…`).catch(() => undefined);
  }, EXPORT_TIMING.noticeAfterMs);
  const tmp = await tempFile(config.dataDir, Date.now());
  try {
    const sheets = await def.sheets(ctx, rest);
    if ('error' in sheets) {
      clearTimeout(timer);
      await ctx.reply(sheets.error);
      return;
    }
    const written = await writeXlsx(tmp, def.title, sheets, config.timezone);
    clearTimeout(timer);
    await notice;
    const rows = written.reduce((n, s) => n + s.rows, 0);
    const what = rest ? `「${def.title}」（${echo(rest, 30)}）` : `「${def.title}」`;
    if (rows === 0) {
      await ctx.reply(`${what}没有符合条件的记录，没有生成文件。`);
      return;
    }
    const { size } = await stat(tmp);
    if (size > EXPORT_MAX_BYTES) {
      await ctx.reply(
        `${what}有 ${rows} 行，文件 ${megabytes(size)}，超过 ${megabytes(EXPORT_MAX_BYTES)} 发不出去。请缩小范围再导出，例如：导出 ${def.words[0]} 本月`,
      );
      return;
    }
    const counts = written.length === 1 ? `共 ${rows} 行` : written.map((s) => `${s.name} ${s.rows} 行`).join('、');
    const cut = written.some((s) => s.truncated) ? '（行数太多，只导出了前一百万行）' : '';
    const stamp = DateTime.fromJSDate(ctx.services.now(), { zone: config.timezone }).toFormat('yyyyMMdd-HHmm');
    const file = {
      kind: 'file' as const,
      path: tmp,
      name: `${def.title}-${stamp}.xlsx`,
      caption: `${what}：${counts}${cut}。`,
    };
    // a spreadsheet of people's records goes to the person, never into a group
    if (ctx.chat.isGroup) {
      await ctx.send({ channel: ctx.channel, userId: ctx.event.userId }, file);
      await ctx.reply(`${what}已私聊发给你。`);
    } else {
      await ctx.reply(file);
    }
  } finally {
    clearTimeout(timer);
    await rm(tmp, { force: true });
  }
}

/** Whether 帮助 lists 导出 for this person: only when some list is theirs to export. */
export async function hasExports(ctx: StaffContext): Promise<boolean> {
  return exportsFor(ctx).length > 0;
}
