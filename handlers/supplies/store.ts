import { type ChangeNote, commandLineActor, type Trail, trailAs } from '../../src/core/audit-trail.ts';
import { SupplyChange, SupplyItem } from './models.ts';
import type { ConfiguredItem, ListChange } from './rules.ts';

/*
 * Reading and changing the configured lists (§4.1). Every change is written with its log entry
 * (who, when, old → new, source); chat edits and imports go through applyListChanges alike.
 */

export interface Editor {
  by: string;
  byName: string;
  /** The audit trail of who edits (chat: trailOf(ctx)); the command line's user when absent. */
  trail?: Trail;
}

export async function loadList(post: string): Promise<ConfiguredItem[]> {
  const items = await SupplyItem.find({ post }, { item: 1, quantity: 1, unit: 1 }).sort({ item: 1 }).lean();
  return items.map((i) => ({ item: i.item, quantity: i.quantity, unit: i.unit ?? '' }));
}

/** Posts that have a configured list: the ones expected to file the monthly report (§4.2). */
export async function postsWithList(): Promise<string[]> {
  const items = await SupplyItem.find({}, { post: 1 }).lean();
  return [...new Set(items.map((i) => i.post))];
}

/**
 * Applies planned changes to one post's list and logs each. One idempotent write per item (an
 * upsert or a delete keyed by post + item), so a run stopped half-way is simply run again.
 */
export async function applyListChanges(
  post: string,
  changes: readonly ListChange[],
  who: Editor,
  source: string,
  at: Date,
): Promise<void> {
  const trail = who.trail ?? trailAs({ ...commandLineActor(), name: who.byName });
  for (const c of changes) {
    const target = { filter: { post, item: c.item } };
    const note: ChangeNote = {
      kind: 'config',
      record: { type: 'supplies', id: post, label: post },
      what: `配置 ${c.item}`,
      from: c.from === null ? '' : `${c.from}${c.unit}`,
      to: c.to === null ? '移出清单' : `${c.to}${c.unit}`,
      note: source === 'chat' ? '' : source === 'chat-import' ? '聊天导入' : `导入 ${source.replace(/^file:/, '')}`,
    };
    if (c.to === null)
      await trail.removal(
        SupplyItem,
        target,
        note,
        async () => (await SupplyItem.deleteOne({ post, item: c.item })).deletedCount === 1,
      );
    else
      await trail.change(SupplyItem, target, note, (carry) =>
        SupplyItem.updateOne(
          { post, item: c.item },
          carry.update({ $set: { quantity: c.to, unit: c.unit, updatedBy: who.byName } }),
          { upsert: true },
        ),
      );
  }
  if (changes.length) {
    await SupplyChange.insertMany(
      changes.map((c) => ({
        post,
        item: c.item,
        from: c.from,
        to: c.to,
        unit: c.unit,
        by: who.by,
        byName: who.byName,
        at,
        source,
      })),
    );
  }
}
