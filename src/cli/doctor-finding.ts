/* What every `npm run doctor` check returns: one finding a line, in plain words, with what to do. */

export type Status = 'ok' | 'fail' | 'warn' | 'info';

export interface Finding {
  status: Status;
  /** What was checked, e.g. 飞书凭证. */
  name: string;
  detail: string;
  /** What to do, for fail and warn. */
  fix?: string;
}

const MARK: Record<Status, string> = { ok: '✓', fail: '✗', warn: '!', info: '·' };

export function formatFinding(f: Finding): string {
  return `${MARK[f.status]} ${f.name}：${f.detail}${f.fix ? ` → ${f.fix}` : ''}`;
}

/** How long a doctor check waits for a service to answer. */
export const TIMEOUT_MS = 10_000;
