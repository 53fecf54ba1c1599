import { PictureChoice } from '../models/index.ts';
import type { StaffContext } from './context.ts';
import { type AttachmentRoute, isAllowed, type PictureTarget, type RouteTable } from './router.ts';
import type { Attachment, Card } from './types.ts';

/*
 * Where a picture goes. Every workflow names the sender's latest thing that takes one (an accident
 * just reported, a hygiene evaluation, a reimbursement item); the picture goes to the latest of
 * those. When two came too close together to say which the sender meant, the sender is asked, and
 * the pictures wait in PictureChoice (durable, so a restart between question and answer loses none).
 */

export const ATTACHMENT_UNUSED = '收到了，但这里用不上图片或文件。请用文字发送命令，发送「帮助」查看你能用的命令。';

/** The button of the question「照片附到哪一项？」; its value names the route and the target's id. */
export const PICTURE_CHOICE_ACTION = 'attach.choose';

/**
 * Two things that asked for a picture within this long of each other are not clearly ordered: the
 * sender may be sending photos of either (a hygiene check, then an accident on the way back), so
 * the bot asks instead of guessing.
 */
export const CLOSE_MS = 10 * 60_000;

/** Pictures waiting this long for an answer are not merged into a new question (they were meant for something else). */
const WAITING_MS = 3600_000;

/** A question older than this is no longer answered (housekeeping deletes it after a day anyway). */
const QUESTION_MS = 24 * 3600_000;

/** One workflow's answer to「does this sender have something that takes a picture?」. */
export interface Candidate {
  route: string;
  target: PictureTarget;
}

/** The sender's last answer to the question: it counts as that target asking at the moment of the answer. */
export interface Choice {
  route: string;
  id: string;
  at: Date;
}

/**
 * The candidate a picture goes to, or the candidates to ask about (latest first); undefined when
 * nothing wants it. The latest wins unless another came within `closeMs` of it. An earlier answer
 * still stands while no candidate is newer than it: the sender chose among what was there.
 */
export function pickTarget(
  candidates: readonly Candidate[],
  chosen?: Choice | null,
  closeMs = CLOSE_MS,
): { go: Candidate } | { ask: Candidate[] } | undefined {
  if (!candidates.length) return undefined;
  const again = chosen && candidates.find((c) => c.route === chosen.route && c.target.id === chosen.id);
  const when = (c: Candidate) => Math.max(c.target.at.getTime(), c === again ? chosen!.at.getTime() : 0);
  const [top, ...rest] = [...candidates].sort(
    (a, b) => when(b) - when(a) || Number(b === again) - Number(a === again),
  ) as [Candidate, ...Candidate[]];
  if (top === again) return { go: top }; // everything else was there when the sender chose
  const close = rest.filter((c) => when(top) - when(c) < closeMs);
  return close.length ? { ask: [top, ...close] } : { go: top };
}

/** A picture or file in a private chat from a known sender: to the latest thing that wants it, or a question. */
export async function routeAttachment(routes: RouteTable, ctx: StaffContext): Promise<void> {
  const pictures = ctx.event.attachments ?? [];
  const allowed = (routes.attachments ?? []).filter((r) => isAllowed(r.allow, ctx));
  const answers = await Promise.all(allowed.map(async (r) => ({ route: r.name ?? '', target: await r.wants(ctx) })));
  const candidates = answers.filter((a): a is Candidate => a.target !== undefined);
  const saved = await PictureChoice.findById(ctx.sender.identity).lean();
  const chosen = saved?.chosen
    ? { route: String(saved.chosen.route), id: String(saved.chosen.id), at: new Date(saved.chosen.at) }
    : null;
  const pick = pickTarget(candidates, chosen);
  if (!pick) {
    const fallback = allowed.find((r) => r.otherwise);
    if (fallback?.otherwise) await fallback.otherwise(ctx);
    else await ctx.reply(ATTACHMENT_UNUSED);
    return;
  }
  if ('go' in pick) {
    await routeNamed(allowed, pick.go.route)!.attach(ctx, pick.go.target, pictures);
    return;
  }
  const now = ctx.services.now();
  // pictures still waiting from a moment ago belong to the same question
  const waiting =
    saved && now.getTime() - new Date(saved.at).getTime() < WAITING_MS
      ? ((saved.attachments ?? []) as Attachment[])
      : [];
  const all = [...waiting, ...pictures.filter((p) => !waiting.some((w) => w.ref === p.ref))];
  const stored = pick.ask.map((c) => ({ route: c.route, id: c.target.id, label: c.target.label, at: c.target.at }));
  await PictureChoice.updateOne(
    { _id: ctx.sender.identity },
    { $set: { attachments: all, candidates: stored, at: now } },
    { upsert: true },
  );
  ctx.log.info({ candidates: stored.map((c) => `${c.route}:${c.id}`) }, 'asked where a picture goes');
  await ctx.reply(question(pick.ask, all.length));
}

function question(candidates: readonly Candidate[], count: number): Card {
  return {
    title: '照片附到哪一项？',
    color: 'blue',
    lines: [`你刚才记录的这几项都可以附照片，请选择${count > 1 ? `这 ${count} 张照片` : '这张照片'}附到哪一项。`],
    note: '选好后，接着发的照片也附到同一项。',
    buttons: candidates.map((c) => ({
      label: c.target.label,
      action: PICTURE_CHOICE_ACTION,
      value: { route: c.route, id: c.target.id },
    })),
  };
}

/** The answer to the question: the waiting pictures go to the chosen target, and so do the next ones. */
export async function choosePictureTarget(routes: RouteTable, ctx: StaffContext): Promise<void> {
  const { route: name = '', id = '' } = ctx.action?.value ?? {};
  const saved = await PictureChoice.findById(ctx.sender.identity).lean();
  const now = ctx.services.now();
  const pictures = (saved?.attachments ?? []) as Attachment[];
  const picked = (saved?.candidates ?? []).find((c) => c.route === name && c.id === id);
  const route = picked && routeNamed(routes.attachments ?? [], name);
  if (!saved || !pictures.length || !picked || !route || now.getTime() - new Date(saved.at).getTime() > QUESTION_MS) {
    await ctx.toast('这个选择已失效（照片已经附上，或问题已过期）。如需要，请重新发送照片。');
    return;
  }
  if (!isAllowed(route.allow, ctx)) {
    await ctx.toast('你不能把照片附到这一项。');
    return;
  }
  // attached first: a retry after a crash in between attaches again, and every workflow keeps a picture once
  await route.attach(ctx, { id, label: String(picked.label), at: new Date(picked.at) }, pictures);
  await PictureChoice.updateOne(
    { _id: ctx.sender.identity },
    { $set: { attachments: [], candidates: [], chosen: { route: name, id, at: now }, at: now } },
  );
}

function routeNamed(routes: readonly AttachmentRoute[], name: string): AttachmentRoute | undefined {
  return routes.find((r) => r.name === name);
}
