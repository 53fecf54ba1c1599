import type { StaffContext } from '../../src/core/context.ts';
import { formatDate } from '../../src/core/numbering.ts';
import { REPORTING, type SearchHit, type SearchPerson, type SearchQuery } from '../../src/core/reporting.ts';
import { shownIn } from '../../src/core/search.ts';
import { echo, nameKey, normalizeText, parseMobile } from '../../src/core/text.ts';
import type { Card } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';

/*
 * 查找 <words>: everything the asker may see about a person, client, post, plate or record number,
 * across workflows, most recent first, a page at a time. Each workflow answers for its own records
 * (Workflow.reporting.search, handlers/<w>/search.ts) and decides what the asker may see there;
 * this file only reads the words, names the person once, and pages the merged hits.
 *
 * Paging is a 下一页 button carrying the words and the time of the last hit shown (`before`), so a
 * page is the same whoever asks again later and nothing is kept between pages. Text channels show
 * the button as a number to reply.
 */

export const PAGE = 10;
export const MORE_ACTION = 'reports.search.more';

const EXAMPLE = '查找 张三';
const WHAT_TO_TRY =
  '可以查：姓名或手机号、客户名称、驻点、车牌、编号（如 TS-20261127-003、BX-20261127-001），例如：查找 张三';

/** How many staff one name may give before it is too vague to search (a roster has few namesakes). */
const MAX_PEOPLE = 5;

/**
 * The staff the words name: a mobile (its unique index), else the name as typed or with its spaces
 * dropped (「张 三」), each an exact read of the `name` index — never a scan of the roster. A name
 * followed by a post (「张三 万达广场」) keeps only the 张三 of that post.
 */
export async function peopleNamed(words: readonly string[]): Promise<Namesake[]> {
  const text = words.join(' ');
  const phone = parseMobile(text);
  const found = phone
    ? await Staff.find({ phone }, { name: 1, post: 1 }).limit(1).lean()
    : await Staff.find({ name: { $in: [...new Set([text, words.join('')])] } }, { name: 1, post: 1 })
        .limit(MAX_PEOPLE)
        .lean();
  if (found.length || phone || words.length < 2) return found.map(person);
  const [name, ...rest] = words;
  const post = nameKey(rest.join(''));
  const named = await Staff.find({ name }, { name: 1, post: 1 }).limit(MAX_PEOPLE).lean();
  return named.filter((s) => nameKey(s.post ?? '') === post).map(person);
}

/** A person the words name, with their post to tell namesakes apart. */
type Namesake = SearchPerson & { post: string };

const person = (s: { _id: unknown; name: string; post?: string | null }): Namesake => ({
  staffId: String(s._id),
  name: s.name,
  post: s.post ?? '',
});

export interface SearchPage {
  pinned: SearchHit[];
  hits: SearchHit[];
  /** `before` for the next page; undefined on the last one. */
  next?: Date;
  /** Sources that failed, by kind: the page is shown without them. */
  failed: string[];
}

/**
 * One page of every source's hits. Each source gives up to PAGE + 1 hits older than `before`, so
 * more than PAGE in all means a next page. Hits of one instant are never split across pages (the
 * cursor is a time): when the page would end inside an instant, that instant moves to the next
 * page whole.
 */
export async function searchPage(ctx: StaffContext, query: SearchQuery, before?: Date): Promise<SearchPage> {
  const failed: string[] = [];
  const answers = await Promise.all(
    ctx.services.extensions.of(REPORTING.search).map(async (source) => {
      try {
        return await source.find(ctx, query, PAGE + 1, before);
      } catch (err) {
        ctx.services.onError(err, { what: 'search source failed', event: ctx.event, detail: { source: source.kind } });
        failed.push(source.kind);
        return [];
      }
    }),
  );
  const all = answers.flat();
  const pinned = before ? [] : all.filter((h) => h.pinned);
  const dated = all.filter((h) => !h.pinned).sort((a, b) => b.at.getTime() - a.at.getTime());
  let hits = dated.slice(0, PAGE);
  let next: Date | undefined;
  if (dated.length > PAGE) {
    const last = hits.at(-1)!.at.getTime();
    const whole = hits.filter((h) => h.at.getTime() !== last);
    if (dated[PAGE]!.at.getTime() === last && whole.length) {
      hits = whole;
      next = new Date(last + 1);
    } else next = new Date(last);
  }
  return { pinned, hits, next, failed };
}

/** 查找 <姓名/手机号/客户/驻点/车牌/编号> */
export async function search(ctx: StaffContext): Promise<void> {
  await answer(ctx, ctx.args);
}

/** The 下一页 button: the same words, hits older than the last one shown. */
export async function searchMore(ctx: StaffContext): Promise<void> {
  const before = new Date(ctx.action?.value.before ?? '');
  const words = ctx.action?.value.q ?? '';
  if (!words || Number.isNaN(before.getTime())) {
    await ctx.reply(`这一页已过期，请重新查找，例如：${EXAMPLE}`);
    return;
  }
  await answer(ctx, words, before);
}

async function answer(ctx: StaffContext, args: string, before?: Date): Promise<void> {
  const words = normalizeText(args).split(/\s+/).filter(Boolean);
  if (!words.length) {
    await ctx.reply(`请写要查找的人、客户、车牌或编号。${WHAT_TO_TRY}`);
    return;
  }
  const text = words.join(' ');
  // the words themselves may be a phone number, masked in a group like every other
  const said = shownIn(ctx, echo(text));
  const people = await peopleNamed(words);
  const page = await searchPage(ctx, { words, text, people }, before);
  const tz = ctx.services.config.timezone;
  const unavailable = page.failed.length ? [`（${page.failed.join('、')}暂时查不到，请稍后再试。）`] : [];
  if (!page.pinned.length && !page.hits.length) {
    await ctx.reply(
      before
        ? `「${said}」没有更多记录了。`
        : [
            `没有找到「${said}」${people.length ? '的记录（只列你能查看的）' : ''}。${WHAT_TO_TRY}`,
            ...unavailable,
          ].join('\n'),
    );
    return;
  }
  const namesakes = page.pinned.filter((h) => h.kind === '人员').length;
  const card: Card = {
    title: `查找「${said}」${before ? '（续）' : ''}`,
    color: 'blue',
    lines: [
      ...(people.length > 1 && namesakes > 1
        ? [
            `有 ${people.length} 位「${echo(people[0]!.name)}」，下面是他们的记录；只看一位请加驻点或改用手机号，例如：查找 ${people[0]!.name} ${people.find((p) => p.post)?.post ?? '驻点'}`,
          ]
        : []),
      ...page.pinned.map((h) => `• ${h.kind} ${shownIn(ctx, h.line)}${h.open ? `（发「${h.open}」）` : ''}`),
      ...page.hits.map(
        (h) => `• ${formatDate(h.at, tz)} ${h.kind} ${shownIn(ctx, h.line)}${h.open ? `（发「${h.open}」查看）` : ''}`,
      ),
      ...(page.hits.length || before ? [] : ['没有相关的记录。']),
      ...unavailable,
    ],
    note: page.next ? `最近的在前，每页 ${PAGE} 条。` : before ? '没有更多了。' : undefined,
    buttons: page.next
      ? [{ label: '下一页', action: MORE_ACTION, value: { q: text, before: page.next.toISOString() } }]
      : [],
  };
  await ctx.reply(card);
}
