import { isDuplicateKey } from '../../src/core/once.ts';
import { echo, sameName } from '../../src/core/text.ts';
import type { RosterColumn } from '../../src/roster/columns.ts';
import { allDormNames } from './common.ts';
import { leaderNote } from './leaders.ts';
import { DormLeader } from './models.ts';

/*
 * The roster column 宿舍队长 (§3.3.3 队长每天进行宿舍查房): which dorms a person leads, as a 行政部
 * clerk fills a spreadsheet — 是 for the dorm in the same row's 宿舍, or the dorm name(s) for a
 * leader who lives elsewhere; 否 or blank for none. A file with the column is the truth for every
 * person in it: their leaderships become exactly what the cell says (assignments made in chat for
 * people in the file are replaced); people not in the file keep theirs.
 */

const YES = new Set(['是', '√', '✓', 'y', 'yes']);
const NO = new Set(['', '否', '×', 'x', 'n', 'no', '无']);
const ROSTER_ACTOR = { staffId: '', name: '花名册导入' };

export interface LeaderCell {
  dorms: string[];
}

export const dormLeaderColumn: RosterColumn<LeaderCell> = {
  key: 'dormLeader',
  header: '宿舍队长',
  aliases: ['是否宿舍队长', '查房队长'],
  parse(cell, input) {
    const word = cell.trim().toLowerCase();
    let dorms: string[];
    if (NO.has(word)) dorms = [];
    else if (YES.has(word)) {
      if (!input.dorm)
        return {
          ok: false,
          error: `宿舍队长填了「${echo(cell)}」，但没有填宿舍：请在宿舍列填写，或在宿舍队长列直接写所带宿舍的名称`,
        };
      dorms = [input.dorm];
    } else {
      dorms = [...new Set(cell.split(/[、,，/;；\s]+/).filter(Boolean))];
      const long = dorms.find((d) => d.length > 40);
      if (long) return { ok: false, error: `宿舍队长「${echo(long)}」太长：只能写 是、否 或宿舍名称` };
    }
    if (!dorms.length) return { ok: true, value: { dorms } };
    if (!input.active) return { ok: false, error: `${input.name} 已离职/停用，不能当宿舍队长：请清空宿舍队长或改状态` };
    if (!input.roles.includes('team_leader')) {
      return {
        ok: false,
        error: `${input.name} 不是队长，不能当宿舍队长（§3.3.3 由队长查房）：请在角色里加上「队长」，或清空宿舍队长`,
      };
    }
    return { ok: true, value: { dorms } };
  },
  async check(rows) {
    // a named dorm must be one someone lives in (this file or the bot's records): a typo would otherwise make an empty dorm
    const known = [...(await allDormNames()), ...rows.map((r) => r.input.dorm).filter(Boolean)];
    return rows.flatMap((r) => {
      // 「城南 宿舍」 is 城南宿舍 (core nameKey)
      const unknown = r.value.dorms.filter((d) => !sameName(known, d));
      return unknown.length
        ? [
            {
              row: r.row,
              message: `第 ${r.row} 行：宿舍队长写的「${unknown.map((d) => echo(d)).join('、')}」没有这个宿舍（花名册和系统里都没有）。请检查宿舍名，或写「是」表示本行的宿舍`,
            },
          ]
        : [];
    });
  },
  async apply(rows, { dryRun, trail }) {
    const ids = rows.flatMap((r) => (r.staffId ? [r.staffId] : []));
    const current = await DormLeader.find({ staffId: { $in: ids } }, { _id: 1, dorm: 1, staffId: 1, name: 1 }).lean();
    const wanted = new Map<string, { dorm: string; staffId: string; name: string }>();
    let added = 0;
    // the dorms as on record (the import wrote the file's new ones first): 「城南 宿舍」 leads 城南宿舍
    const onRecord = await allDormNames();
    for (const r of rows) {
      for (const dorm of r.value.dorms.map((d) => sameName(onRecord, d) ?? d)) {
        if (!r.staffId) added++;
        else wanted.set(`${dorm}:${r.staffId}`, { dorm, staffId: r.staffId, name: r.input.name });
      }
    }
    const have = new Set(current.map((l) => l._id));
    const toRemove = [...have].filter((id) => !wanted.has(id));
    const toAdd = [...wanted].filter(([id]) => !have.has(id));
    added += toAdd.length;
    if (!dryRun) {
      const at = new Date();
      for (const [_id, l] of toAdd) {
        try {
          await trail.change(DormLeader, _id, leaderNote(l.dorm, l.staffId, l.name, true, '花名册导入'), (carry) =>
            DormLeader.create(carry.doc({ _id, ...l, assignedBy: ROSTER_ACTOR, assignedAt: at })),
          );
        } catch (err) {
          // a re-run after a failure, or someone assigning in chat at the same moment: already there
          if (!isDuplicateKey(err)) throw err;
        }
      }
      for (const id of toRemove) {
        const l = current.find((c) => c._id === id)!;
        await trail.removal(
          DormLeader,
          id,
          leaderNote(l.dorm, l.staffId, l.name, false, '花名册导入'),
          async () => (await DormLeader.deleteOne({ _id: id })).deletedCount === 1,
        );
      }
    }
    if (!added && !toRemove.length) return [];
    const will = dryRun ? '将' : '';
    return [`宿舍队长：${will}新指定 ${added} 人次，${will}取消 ${toRemove.length} 人次（名单见「宿舍列表」）。`];
  },
};
