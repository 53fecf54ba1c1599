import { DateTime } from 'luxon';
import type { Collection } from 'mongoose';
import type { Role } from '../../src/core/types.ts';

/*
 * The pieces the report bench's seeder (reports-seed.ts) builds records from: a seeded random
 * source (the same company on every machine), Chinese names, local days and times, and a writer
 * that inserts a thousand raw documents at a time (through the driver: hydrating 110,000 roll calls
 * through mongoose would take longer than the bench itself).
 */

export type Rand = () => number;

/** A model, as far as raw inserts need it. */
export type Insertable = { collection: Collection };

/** mulberry32: small, fast and the same everywhere. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
  constructor(readonly rand: Rand) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)]!;
  }
  /** One of `weights`' keys, by weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.rand() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries.at(-1)![0];
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.rand() * 16).toString(16);
    return s;
  }
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海波斌宇浩凯鹏飞鑫晨阳亮林峰辉成龙文博俊';

/** A name unique within the company: a person's name plus, past the plain ones, a number as staff lists write it. */
export function personName(i: number): string {
  const s = SURNAMES[i % SURNAMES.length]!;
  const g1 = GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]!;
  const g2 = GIVEN[Math.floor(i / (SURNAMES.length * GIVEN.length)) % GIVEN.length]!;
  const base = i < SURNAMES.length * GIVEN.length ? `${s}${g1}` : `${s}${g1}${g2}`;
  const round = Math.floor(i / (SURNAMES.length * GIVEN.length * GIVEN.length));
  return round ? `${base}${round + 1}` : base;
}

export const PLACES = [
  '华润大厦',
  '科技园',
  '海岸城',
  '万象城',
  '中心书城',
  '会展中心',
  '福田口岸',
  '前海花园',
  '宝安机场',
  '南山医院',
  '龙岗天虹',
  '坂田基地',
  '蛇口港',
  '欢乐海岸',
  '大学城',
  '梅林关',
  '观澜湖',
  '布吉街道',
  '沙井工业园',
  '光明新区',
];

/** Local calendar days and times in the bot's zone. */
export class Clock {
  constructor(readonly tz: string) {}
  /** `count` days ending the day before `end` (a yyyy-MM-dd), oldest first. */
  days(end: string, count: number): string[] {
    const last = DateTime.fromISO(end, { zone: this.tz }).minus({ days: 1 });
    return Array.from({ length: count }, (_, i) => last.minus({ days: count - 1 - i }).toISODate()!);
  }
  at(day: string, hour: number, minute = 0): Date {
    return DateTime.fromISO(day, { zone: this.tz }).set({ hour, minute }).toJSDate();
  }
  dayOf(d: Date): string {
    return DateTime.fromJSDate(d, { zone: this.tz }).toISODate()!;
  }
  plusDays(day: string, n: number): string {
    return DateTime.fromISO(day, { zone: this.tz }).plus({ days: n }).toISODate()!;
  }
  compact(day: string): string {
    return day.replaceAll('-', '');
  }
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** A record's person as records keep them. */
export interface PersonRef {
  staffId: string;
  name: string;
}

export interface StaffRef extends PersonRef {
  roles: Role[];
  post: string;
  dorm: string;
  phone: string;
}

/** Inserts raw documents a thousand at a time; call done() at the end. */
export class BatchWriter {
  private batch: Record<string, unknown>[] = [];
  count = 0;
  constructor(
    private readonly model: Insertable,
    private readonly size = 1000,
  ) {}
  async add(doc: Record<string, unknown>): Promise<void> {
    this.batch.push(doc);
    if (this.batch.length >= this.size) await this.flush();
  }
  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    const docs = this.batch;
    this.batch = [];
    await this.model.collection.insertMany(docs, { ordered: false });
    this.count += docs.length;
  }
  async done(): Promise<number> {
    await this.flush();
    return this.count;
  }
}

/** Writes every document `make` yields into `model`; returns how many. */
export async function writeAll(model: Insertable, docs: Iterable<Record<string, unknown>>): Promise<number> {
  const w = new BatchWriter(model);
  for (const d of docs) await w.add(d);
  return w.done();
}

/** `<prefix>-<yyyyMMdd>-<nnn>` numbers for records sorted by time, as dailyNumber makes them. */
export class DailyNumbers {
  private readonly seq = new Map<string, number>();
  constructor(
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}
  next(at: Date): string {
    const day = this.clock.compact(this.clock.dayOf(at));
    const n = (this.seq.get(day) ?? 0) + 1;
    this.seq.set(day, n);
    return `${this.prefix}-${day}-${String(n).padStart(3, '0')}`;
  }
  /** The counters as the Counter collection keeps them, so a number made later does not collide. */
  counters(): { _id: string; seq: number }[] {
    return [...this.seq].map(([day, seq]) => ({ _id: `${this.prefix}-${day}`, seq }));
  }
}

const CLIENT_KINDS = ['物业管理有限公司', '实业有限公司', '科技股份有限公司', '商业管理有限公司', '医院', '学校'];

export function clientName(i: number): string {
  return `${PLACES[i % PLACES.length]}${CLIENT_KINDS[Math.floor(i / PLACES.length) % CLIENT_KINDS.length]}${i >= PLACES.length * CLIENT_KINDS.length ? Math.floor(i / (PLACES.length * CLIENT_KINDS.length)) + 1 : ''}`;
}
