import { allowed, denied, type Verdict } from './roles.ts';

/*
 * Nobody acts on a case in which they are the subject (#20): the person named responsible in a
 * complaint, the claimant of a claim, the holder of a permit, the leader of a dorm whose hygiene
 * is scored. One rule for every workflow, checked after the role: a person holding several roles
 * must not be able to decide their own matter through whichever of them happens to allow the step.
 * Each workflow says who its subjects are; this module only compares and words the refusal.
 */

/** A subject as workflows keep people: a staff id, or a record carrying one. */
export type SubjectRef = string | { staffId?: string | null } | null | undefined;

function idOf(s: SubjectRef): string {
  return (typeof s === 'string' ? s : s?.staffId) ?? '';
}

/** Whether `actorId` is one of `subjects`. Someone with no staff record is nobody's subject. */
export function isSubject(actorId: string | null | undefined, subjects: readonly SubjectRef[]): boolean {
  return !!actorId && subjects.some((s) => idOf(s) === actorId);
}

export interface OwnCase {
  /** What the actor is in this case, e.g. 「投诉 TS-20261127-003 的责任人」. */
  as: string;
  /** Who must act instead, e.g. 「其他客服部人员」. */
  instead: string;
  /** What was refused; 「处理与自己有关的事项」 by default. */
  doing?: string;
}

/** The one wording of the refusal, so staff read the same rule whichever workflow refused them. */
export function ownCaseRefusal(o: OwnCase): string {
  return `你是${o.as}，不能${o.doing ?? '处理与自己有关的事项'}（本人回避）。请由${o.instead}办理。`;
}

/** Allowed unless the actor is a subject of the case. */
export function notOwnCase(actorId: string | null | undefined, subjects: readonly SubjectRef[], o: OwnCase): Verdict {
  return isSubject(actorId, subjects) ? denied(ownCaseRefusal(o)) : allowed;
}
