import { Dorm, Post } from '../models/index.ts';

/** Creates the posts and dorms a staff record names, so lists and schedules can find them. */
export async function ensurePlaces(post: string, dorm: string): Promise<void> {
  if (post) await Post.updateOne({ name: post }, { $setOnInsert: { name: post } }, { upsert: true });
  if (dorm) await Dorm.updateOne({ name: dorm }, { $setOnInsert: { name: dorm, post } }, { upsert: true });
}
