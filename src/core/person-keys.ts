import { OnceKey } from '../models/infra.ts';
import { takeOnce } from './once.ts';
import { DayIndex } from './period-keys.ts';

/*
 * 查找 <姓名>'s keys to a person's records: for each staff id, the ids of their records (absences,
 * claims, trips) in insert-only chunks read by `_id` (a DayIndex whose "day" is the staff id). The
 * workflow adds a key before it writes the record; the records from before the keys are keyed once
 * per database from `older` (one read), in the background at start, while 查找 waits for it.
 */
export class PersonKeys {
  readonly index: DayIndex;
  private filling?: Promise<number>;

  /**
   * `older` gives [staff id, record id] for every record already stored; it may throw to leave the
   * fill for the next start (the roll calls' rows not built yet, say).
   */
  constructor(
    name: string,
    private readonly done: string,
    private readonly older: () => AsyncIterable<readonly [string, string]>,
  ) {
    this.index = new DayIndex(name);
  }

  /**
   * Keys the records stored before the keys existed, once per database. Marked done only at the
   * end: a crash part-way keys again (a key twice is read once). Returns how many were keyed.
   */
  async backfill(): Promise<number> {
    if (await OnceKey.exists({ _id: this.done })) return 0;
    const byStaff = new Map<string, string[]>();
    let n = 0;
    for await (const [staffId, id] of this.older()) {
      if (!staffId) continue;
      byStaff.set(staffId, [...(byStaff.get(staffId) ?? []), id]);
      n++;
    }
    const staff = [...byStaff];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let e = staff.shift(); e; e = staff.shift()) await this.index.add(e[0], ...e[1]);
      }),
    );
    await takeOnce(this.done, 'start');
    return n;
  }

  /** backfill() without holding up the start; a failed fill is reported and tried again at the next start. */
  fillInBackground(onError: (err: unknown) => void): void {
    this.filling = this.backfill();
    this.filling.catch(onError);
  }

  /** Resolves when no fill of these keys runs in this process. */
  async filled(): Promise<void> {
    await this.filling?.catch(() => 0);
  }
}
