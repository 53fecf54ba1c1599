import { trailOf } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { formatDateTime } from '../../src/core/numbering.ts';
import { echo, leadingName } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { placeNames } from '../../src/roster/places.ts';
import { changeLines, listCard } from './cards.ts';
import { checkSupplyText, importSummary, importSupplies } from './import.ts';
import { SupplyChange } from './models.ts';
import { changeText, parseConfigPairs, planListChanges } from './rules.ts';
import { applyListChanges, type Editor, loadList } from './store.ts';

/** Who sees any post's list and its records; a team leader sees their own post's. */
export const OFFICE_ROLES: readonly Role[] = ['general_affairs', 'admin', 'chairman'];
export const LIST_VIEWERS: readonly Role[] = [...OFFICE_ROLES, 'team_leader'];

export function editorOf(ctx: StaffContext): Editor {
  return { by: ctx.sender.staffId ?? ctx.sender.identity, byName: ctx.sender.name, trail: trailOf(ctx) };
}

/**
 * The post a command names (its first word), or the sender's own. Refuses a post that does not
 * exist, and a team leader asking about another post. Returns the post and the rest of the text.
 */
export async function postFromArgs(
  ctx: StaffContext,
  args: string,
  example: string,
): Promise<{ post: string; rest: string } | undefined> {
  const [first = ''] = args.split(/\s+/).filter(Boolean);
  const office = OFFICE_ROLES.some((r) => ctx.hasRole(r));
  // 「万达 广场 对讲机」 names the post 万达广场 (core nameKey)
  const named = first ? leadingName(await placeNames('post'), args) : undefined;
  let post = named?.name ?? '';
  const remaining = named ? named.rest.split(/\s+/).filter(Boolean).join(' ') : args;
  if (!post && !office && ctx.sender.post) post = ctx.sender.post;
  if (!post) {
    await ctx.reply(
      first
        ? `驻点「${echo(first)}」不存在。发送「驻点列表」查看所有驻点，例如：${example}`
        : `请写驻点名称，例如：${example}`,
    );
    return undefined;
  }
  if (!office && post !== ctx.sender.post) {
    await ctx.reply(`你只能查看本驻点（${ctx.sender.post || '未设置'}）的物资。`);
    return undefined;
  }
  return { post, rest: remaining };
}

/** 配置清单 [驻点] */
export async function showList(ctx: StaffContext): Promise<void> {
  const target = await postFromArgs(ctx, ctx.args, '配置清单 万达广场');
  if (!target) return;
  await ctx.reply(listCard(target.post, await loadList(target.post)));
}

/** 设置配置 <驻点> <物品> <数量>[、<物品> <数量>…] — all parts or none (§4.1). */
export async function setItems(ctx: StaffContext): Promise<void> {
  const example = '设置配置 万达广场 对讲机 6台、手电筒 8';
  const [typed = '', ...words] = ctx.args.split(/\s+/).filter(Boolean);
  if (!typed || !words.length) {
    await ctx.reply(`请写驻点、物品和数量，例如：${example}\n数量写 0 即把该物品移出清单。`);
    return;
  }
  const named = leadingName(await placeNames('post'), ctx.args);
  if (!named) {
    await ctx.reply(`驻点「${echo(typed)}」不存在。发送「驻点列表」查看所有驻点，例如：${example}`);
    return;
  }
  const first = named.name;
  const rest = named.rest.split(/\s+/).filter(Boolean);
  const parsed = parseConfigPairs(rest.join(' '));
  if (!parsed.ok) {
    await ctx.reply(`没有修改。${parsed.errors.join('；')}。\n例如：${example}`);
    return;
  }
  const current = await loadList(first);
  const gone = parsed.pairs
    .filter((p) => p.quantity === 0 && !current.some((c) => c.item === p.item))
    .map((p) => p.item);
  if (gone.length) {
    await ctx.reply(`没有修改。${gone.join('、')} 本来就不在 ${first} 的清单上。`);
    return;
  }
  const changes = planListChanges(current, parsed.pairs, false);
  if (!changes.length) {
    await ctx.reply(listCard(first, current, '与现有清单相同，没有修改。'));
    return;
  }
  await applyListChanges(first, changes, editorOf(ctx), 'chat', ctx.services.now());
  ctx.log.info({ post: first, changes: changes.length }, 'supply list changed');
  await ctx.reply(
    listCard(
      first,
      await loadList(first),
      `已修改（${changeLines(changes).join('；')}）。发送「配置记录 ${first}」查看修改记录。`,
    ),
  );
}

/** 配置记录 <驻点> [物品]: the last changes, newest first (§4.1 every change is kept). */
export async function listChanges(ctx: StaffContext): Promise<void> {
  const target = await postFromArgs(ctx, ctx.args, '配置记录 万达广场');
  if (!target) return;
  const item = target.rest.trim();
  const rows = await SupplyChange.find({ post: target.post, ...(item ? { item } : {}) })
    .sort({ at: -1 })
    .limit(30)
    .lean();
  if (!rows.length) {
    await ctx.reply(`${target.post}${item ? ` 的「${echo(item)}」` : ''} 还没有修改记录。`);
    return;
  }
  const tz = ctx.services.config.timezone;
  const source = (s: string) =>
    s === 'chat' ? '' : s === 'chat-import' ? '（聊天导入）' : `（导入 ${s.replace(/^file:/, '')}）`;
  await ctx.reply({
    title: `配置清单修改记录：${target.post}${item ? ` ${item}` : ''}`,
    color: 'grey',
    lines: rows.map(
      (r) =>
        `${formatDateTime(r.at, tz)} ${r.byName}${source(r.source)}：${changeText({ item: r.item, from: r.from ?? null, to: r.to ?? null, unit: r.unit ?? '' })}`,
    ),
    note: rows.length === 30 ? '只显示最近 30 条。' : undefined,
  });
}

/**
 * 导入配置 followed by a pasted table (header line, then one item per line): the same checks as a
 * file, all or nothing, and each named post's list is replaced by what the table says.
 */
export async function importPasted(ctx: StaffContext): Promise<void> {
  const text = ctx.args.trim();
  if (!text.includes('\n')) {
    await ctx.reply(
      '请在「导入配置」后换行粘贴表格（第 1 行表头，逗号分隔），例如：\n导入配置\n驻点,物品,数量,单位\n万达广场,对讲机,6,台\n万达广场,手电筒,8,支\n表格里的驻点会整张替换为表格内容；大文件请让管理员用 npm run import-supplies 导入。',
    );
    return;
  }
  const checked = await checkSupplyText(text);
  if (!checked.ok) {
    await ctx.reply(['没有导入任何内容，请改正后重新发送：', ...checked.errors.map((e) => e.message)].join('\n'));
    return;
  }
  const result = await importSupplies(checked.entries, editorOf(ctx), 'chat-import', ctx.services.now());
  ctx.log.info({ posts: result.posts.length, rows: result.rows }, 'supply list imported in chat');
  await ctx.reply(
    importSummary(result) +
      (checked.ignoredHeaders.length ? `\n已忽略不认识的列：${checked.ignoredHeaders.join('、')}` : ''),
  );
}
