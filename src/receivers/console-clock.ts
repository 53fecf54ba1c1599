import { DateTime } from 'luxon';
import type { Clock } from '../core/clock.ts';

/** What the console needs of the bot to move its clock (`:time`); main.ts attaches it. */
export interface ConsoleClock {
  clock: Clock;
  timezone: string;
  /** Runs each scheduled job whose slot fell between the two times (Scheduler.runDue); their descriptions. */
  runDue(from: Date, to: Date): Promise<string[]>;
}

/**
 * `:time 22:00` moves the bot's clock to today 22:00 (BOT_TIMEZONE) and runs what fell due in
 * between, as if that time had passed: the roll call can be tried during the day. `:time 现在` goes
 * back to the wall clock; `:time` alone says what time the bot reads. Each line said goes to `say`.
 */
export async function moveClock(time: ConsoleClock, arg: string, say: (line: string) => void): Promise<void> {
  const { clock, timezone } = time;
  const show = (d: Date) => DateTime.fromJSDate(d, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm');
  if (!arg) {
    say(
      `机器人时间：${show(clock.now())}${clock.offset ? `（${offsetText(clock.offset)}；:time 现在 拨回）` : '（实际时间）'}`,
    );
    return;
  }
  if (['现在', 'now', '实际', 'reset'].includes(arg)) {
    clock.reset();
    say(`已拨回实际时间：${show(clock.now())}。`);
    return;
  }
  const at = parseConsoleTime(arg, clock.now(), timezone);
  if (!at) {
    say('时间请写成 22:00，或 2026-12-01 09:00。');
    return;
  }
  const from = clock.now();
  clock.setTo(at);
  say(`机器人时间拨到 ${show(at)}（${offsetText(clock.offset)}）。到点的定时任务现在运行：`);
  const ran = await time.runDue(from, at);
  say(
    ran.length
      ? `已运行：${ran.join('；')}。`
      : at.getTime() < from.getTime()
        ? '时间往回拨，没有运行定时任务。'
        : '这段时间没有到点的定时任务。',
  );
}

/** 「比实际快 11 小时 50 分」 / 「比实际慢 2 小时」: how far the console's clock is from the wall clock. */
function offsetText(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const span = `${h ? `${h} 小时` : ''}${m || !h ? ` ${m} 分` : ''}`.trim();
  return `比实际${ms >= 0 ? '快' : '慢'} ${span}`;
}

/** `22:00` (today), `2026-12-01 09:00`, `12-01 09:00` in `tz`; undefined otherwise. */
export function parseConsoleTime(text: string, now: Date, tz: string): Date | undefined {
  const m = /^(?:(?:(\d{4})-)?(\d{1,2})-(\d{1,2})\s+)?(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!m || Number(m[4]) > 23) return undefined;
  const today = DateTime.fromJSDate(now, { zone: tz });
  const at = DateTime.fromObject(
    {
      year: m[1] ? Number(m[1]) : today.year,
      month: m[2] ? Number(m[2]) : today.month,
      day: m[3] ? Number(m[3]) : today.day,
      hour: Number(m[4]),
      minute: Number(m[5]),
    },
    { zone: tz },
  );
  return at.isValid ? at.toJSDate() : undefined;
}
