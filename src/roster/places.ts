import { sameName } from '../core/text.ts';
import { Dorm, Post } from '../models/index.ts';

/*
 * Posts (驻点) and dorms (宿舍) are named as first written: 「城南 宿舍」 or 「城南宿舍 」 typed later is
 * the dorm 城南宿舍 (core nameKey folds case, width, spaces and punctuation), so a second spelling
 * never makes a second place, and staff records carry the name on record.
 */

export type PlaceKind = 'post' | 'dorm';

/** Every post's (or dorm's) name on record. */
export async function placeNames(kind: PlaceKind): Promise<string[]> {
  const docs = kind === 'post' ? await Post.find({}, { name: 1 }).lean() : await Dorm.find({}, { name: 1 }).lean();
  return docs.map((d) => d.name);
}

/** The post (or dorm) on record that `typed` names, or undefined: one read when written as on record. */
export async function findPlace(kind: PlaceKind, typed: string): Promise<string | undefined> {
  const t = typed.trim();
  if (!t) return undefined;
  if (await (kind === 'post' ? Post.exists({ name: t }) : Dorm.exists({ name: t }))) return t;
  return sameName(await placeNames(kind), t);
}

/**
 * Creates the posts and dorms a staff record names, so lists and schedules can find them; a name
 * already on record in another spelling is that place. Returns the names as on record.
 */
export async function ensurePlaces(post: string, dorm: string): Promise<{ post: string; dorm: string }> {
  const p = post.trim() ? ((await findPlace('post', post)) ?? post.trim()) : '';
  const d = dorm.trim() ? ((await findPlace('dorm', dorm)) ?? dorm.trim()) : '';
  if (p) await Post.updateOne({ name: p }, { $setOnInsert: { name: p } }, { upsert: true });
  if (d) await Dorm.updateOne({ name: d }, { $setOnInsert: { name: d, post: p } }, { upsert: true });
  return { post: p, dorm: d };
}
