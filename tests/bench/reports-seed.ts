import mongoose from 'mongoose';
import { HYGIENE_CHECKLIST } from '../../handlers/dorms/hygiene-rules.ts';
import { DormLeader, HygieneEvaluation, RentReport, RollCall } from '../../handlers/dorms/models.ts';
import type { Role } from '../../src/core/types.ts';
import { Counter, Dorm, ensureIndexes, Post, Staff } from '../../src/models/index.ts';
import { composition } from '../../src/workflows.ts';
import { seedClients } from './reports-seed-clients.ts';
import { seedRecords } from './reports-seed-records.ts';
import {
  Clock,
  clientName,
  DAY,
  type DailyNumbers,
  Dice,
  HOUR,
  type PersonRef,
  PLACES,
  personName,
  type StaffRef,
  seeded,
  writeAll,
} from './seed-kit.ts';

/*
 * A company's year for the report bench (npm run bench:reports): staff, posts, dorms, clients and a
 * year of every workflow's records, shaped exactly as the schemas say and written in raw batches.
 * The whole year is made by `seedCompany(YEAR)`; tests seed `TINY` (2 dorms, 3 days) the same way.
 */

export interface SeedScale {
  staff: number;
  posts: number;
  dorms: number;
  clients: number;
  /** Days of records, ending the day before `end`. */
  days: number;
  complaints: number;
  claims: number;
  /** Average items per claim (1 to 2×this−1). */
  itemsPerClaim: number;
  vehicles: number;
  trips: number;
  accidents: number;
  auditEntries: number;
}

export const YEAR: SeedScale = {
  staff: 3000,
  posts: 100,
  dorms: 300,
  clients: 200,
  days: 365,
  complaints: 5000,
  claims: 20_000,
  itemsPerClaim: 3,
  vehicles: 40,
  trips: 20_000,
  accidents: 12,
  auditEntries: 6000,
};

export const TINY: SeedScale = {
  staff: 40,
  posts: 2,
  dorms: 2,
  clients: 3,
  days: 3,
  complaints: 12,
  claims: 20,
  itemsPerClaim: 3,
  vehicles: 2,
  trips: 10,
  accidents: 1,
  auditEntries: 20,
};

export interface DormInfo {
  name: string;
  post: string;
  residents: PersonRef[];
  leader: PersonRef;
}

/** What the record seeders share: the people, places and days already written. */
export interface SeedWorld {
  scale: SeedScale;
  clock: Clock;
  dice: Dice;
  /** Local days with records, oldest first; `end` is the day after the last. */
  days: string[];
  end: string;
  staff: StaffRef[];
  byRole: (role: Role) => StaffRef[];
  posts: string[];
  dorms: DormInfo[];
  clients: { id: string; name: string; posts: string[] }[];
  numbers: DailyNumbers[];
}

const MANAGER_SHARE: [Role, number][] = [
  ['admin', 1 / 1000],
  ['chairman', 1 / 3000],
  ['finance', 2 / 1000],
  ['general_affairs', 3 / 1000],
  ['customer_service', 5 / 1000],
  ['guard_ops', 7 / 1000],
];

async function seedPeople(
  w: Omit<SeedWorld, 'staff' | 'byRole' | 'dorms'>,
): Promise<Pick<SeedWorld, 'staff' | 'byRole' | 'dorms'>> {
  const { scale, dice } = w;
  const created = w.clock.at(w.days[0]!, 9);
  const staff: StaffRef[] = [];
  const add = (roles: Role[], post: string, dorm: string) => {
    const i = staff.length;
    staff.push({
      staffId: new mongoose.Types.ObjectId().toHexString(),
      name: personName(i),
      roles,
      post,
      dorm,
      phone: `13${String(800_000_000 + i * 7).padStart(9, '0')}`,
    });
  };
  for (const [role, share] of MANAGER_SHARE) {
    for (let n = Math.max(1, Math.round(scale.staff * share)); n > 0; n--) add([role], '', '');
  }
  const drivers = Math.max(2, Math.round(scale.vehicles * 1.2));
  const leaders = Math.max(scale.dorms, Math.round(scale.staff / 10));
  const field = scale.staff - staff.length;
  for (let i = 0; i < field; i++) {
    const dorm = `宿舍${String((i % scale.dorms) + 1).padStart(3, '0')}`;
    const post = w.posts[i % w.posts.length]!;
    add(i < leaders ? ['guard', 'team_leader'] : i < leaders + drivers ? ['driver'] : ['guard'], post, dorm);
  }
  const by = new Map<Role, StaffRef[]>();
  for (const s of staff) for (const r of s.roles) by.set(r, [...(by.get(r) ?? []), s]);
  await writeAll(
    Staff,
    staff.map((s, i) => ({
      _id: new mongoose.Types.ObjectId(s.staffId),
      name: s.name,
      roles: s.roles,
      phone: s.phone,
      post: s.post,
      dorm: s.dorm,
      active: i % 97 !== 5,
      note: '',
      version: 1,
      createdAt: created,
      updatedAt: created,
      __v: 0,
    })),
  );
  const dorms: DormInfo[] = Array.from({ length: scale.dorms }, (_, i) => {
    const name = `宿舍${String(i + 1).padStart(3, '0')}`;
    const residents = staff.filter((s) => s.dorm === name).map(ref);
    // the first field staff of each dorm are team leaders (leaders ≥ dorms)
    const leader = staff.find((s) => s.dorm === name && s.roles.includes('team_leader'))!;
    return { name, post: w.posts[i % w.posts.length]!, residents, leader: ref(leader) };
  });
  await writeAll(
    Dorm,
    dorms.map((d, i) => ({
      _id: new mongoose.Types.ObjectId(),
      name: d.name,
      address: `${PLACES[i % PLACES.length]}${(i % 40) + 1}栋${dice.int(1, 30)}0${dice.int(1, 9)}`,
      post: d.post,
      createdAt: created,
      updatedAt: created,
      __v: 0,
    })),
  );
  const ga = by.get('general_affairs')![0]!;
  await writeAll(
    DormLeader,
    dorms.map((d) => ({
      _id: `${d.name}:${d.leader.staffId}`,
      dorm: d.name,
      staffId: d.leader.staffId,
      name: d.leader.name,
      assignedBy: ref(ga),
      assignedAt: created,
    })),
  );
  return { staff, byRole: (r) => by.get(r) ?? [], dorms };
}

export const ref = (s: PersonRef): PersonRef => ({ staffId: s.staffId, name: s.name });

/** Roll calls: every dorm every evening, all residents, mostly 已归, some late, a few never reported. */
function* rollCalls(w: SeedWorld): Generator<Record<string, unknown>> {
  const { dice, clock } = w;
  for (const day of w.days) {
    for (const d of w.dorms) {
      const askedAt = clock.at(day, 21, 30);
      const r = dice.rand();
      const kind = r < 0.005 ? 'none' : r < 0.015 ? 'pre' : r < 0.065 ? 'late' : 'ontime';
      const base = {
        _id: `${day}:${d.name}`,
        date: day,
        dorm: d.name,
        residents: d.residents,
        leaders: [d.leader],
        askedAt,
      };
      if (kind === 'none') {
        yield { ...base, version: 0, report: null, history: [] };
        continue;
      }
      const at =
        kind === 'pre'
          ? clock.at(day, 21, dice.int(35, 55))
          : clock.at(day, kind === 'late' ? 23 : 22, dice.int(0, 40));
      const entries = d.residents.map((p) => {
        const s = dice.rand();
        const status = s < 0.82 ? 'present' : s < 0.95 ? 'night_duty' : s < 0.988 ? 'leave' : 'absent';
        const back = status === 'absent' && dice.chance(0.6);
        return {
          staffId: p.staffId,
          name: p.name,
          status,
          note: status === 'leave' ? '事假' : status === 'absent' && dice.chance(0.3) ? '电话不通' : '',
          returnedAt: back ? new Date(at.getTime() + dice.int(20, 300) * 60_000) : null,
          returnedBy: back ? d.leader : null,
        };
      });
      const late = kind === 'late';
      const report = { at, by: d.leader, late, preCurfew: kind === 'pre', entries };
      const detail = entries.some((e) => e.status !== 'present')
        ? `${entries.filter((e) => e.status === 'present').length}/${entries.length} 人已归`
        : `全部已归（${entries.length} 人）`;
      yield {
        ...base,
        version: 1,
        report,
        history: [{ at, by: d.leader, action: kind === 'pre' ? '预报' : '上报', detail, late, entries }],
      };
    }
  }
}

function* hygiene(w: SeedWorld): Generator<Record<string, unknown>> {
  const { dice, clock } = w;
  const inspectors = w.byRole('general_affairs');
  for (const day of w.days) {
    for (const d of w.dorms) {
      // 综合部 inspects each dorm about monthly, the leader checks it himself about as often
      const self = dice.chance(1 / 30);
      if (!self && !dice.chance(1 / 30)) continue;
      const items = HYGIENE_CHECKLIST.map((c) => ({ key: c.key, label: c.label, pass: dice.chance(0.9) }));
      const inspector = self ? d.leader : ref(dice.pick(inspectors));
      yield {
        _id: new mongoose.Types.ObjectId(),
        dorm: d.name,
        date: day,
        items,
        score: dice.int(60, 100),
        inspector,
        selfCheck: self,
        notes: items.every((i) => i.pass) ? '' : '床铺不整，已要求整改',
        at: clock.at(day, dice.int(9, 17), dice.int(0, 59)),
        photos: dice.chance(0.5) ? [`img_v3_${dice.hex(24)}`] : [],
      };
    }
  }
}

function* rents(w: SeedWorld): Generator<Record<string, unknown>> {
  const { dice, clock } = w;
  const months = [...new Set(w.days.map((d) => d.slice(0, 7)))];
  const finance = w.byRole('finance');
  const ga = w.byRole('general_affairs');
  for (const [m, period] of months.entries()) {
    for (const [i, d] of w.dorms.entries()) {
      const amountFen = (2000 + (i % 30) * 100) * 100;
      const reportedAt = clock.at(`${period}-01`, 10, dice.int(0, 59));
      const paid = m < months.length - 1 || dice.chance(0.5);
      const account = `6222${String(100_000_000_000 + i * 31).slice(0, 12)}`;
      const first = m === 0;
      yield {
        _id: `${period}:${d.name}`,
        version: paid ? 2 : 1,
        dorm: d.name,
        period,
        amountFen,
        landlord: `${personName(5000 + i)}`,
        bank: '中国工商银行',
        account,
        note: '',
        previousFen: first ? null : amountFen,
        changed: false,
        reportedBy: d.leader,
        reportedAt,
        payeeChange: first ? 'new' : '',
        lastPayee: first
          ? null
          : { period: months[m - 1]!, landlord: personName(5000 + i), bank: '中国工商银行', account },
        payeeConfirmed: first ? { by: ref(dice.pick(ga)), at: new Date(reportedAt.getTime() + 2 * HOUR) } : null,
        paid: paid
          ? {
              method: '银行转账',
              date: clock.plusDays(`${period}-01`, 3),
              by: ref(dice.pick(finance)),
              at: new Date(reportedAt.getTime() + 3 * DAY),
            }
          : null,
      };
    }
  }
}

export interface SeedCounts {
  [collection: string]: number;
}

/**
 * Seeds the company into the connected (empty) database: `end` (yyyy-MM-dd) is the day after the
 * last day of records. Returns the documents written per model.
 */
export async function seedCompany(
  scale: SeedScale,
  end: string,
  tz: string,
  log: (m: string) => void = () => {},
): Promise<SeedCounts> {
  const clock = new Clock(tz);
  const dice = new Dice(seeded(20261205));
  const days = clock.days(end, scale.days);
  const posts = Array.from(
    { length: scale.posts },
    (_, i) => `${PLACES[i % PLACES.length]}${i >= PLACES.length ? Math.floor(i / PLACES.length) + 1 : ''}驻点`,
  );
  const counts: SeedCounts = {};
  const t0 = Date.now();
  const step = async (name: string, work: () => Promise<number>) => {
    counts[name] = await work();
    log(`${name}: ${counts[name]} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  // about half the clients are served by posts (a post has one client); the rest are called on
  const served = Math.max(1, Math.round(scale.clients / 2));
  const clients = Array.from({ length: scale.clients }, (_, i) => ({
    id: new mongoose.Types.ObjectId().toHexString(),
    name: clientName(i),
    posts: posts.filter((_, j) => j % served === i),
  }));
  const created = clock.at(days[0]!, 9);
  await step('posts', () =>
    writeAll(
      Post,
      posts.map((name, j) => ({
        _id: new mongoose.Types.ObjectId(),
        name,
        address: `${name}门岗`,
        client: clients[j % served]!.name,
        createdAt: created,
        updatedAt: created,
        __v: 0,
      })),
    ),
  );
  const base = { scale, clock, dice, days, end, posts, clients, numbers: [] };
  const people = await seedPeople(base);
  counts.staff = people.staff.length;
  counts.dorms = people.dorms.length;
  const w: SeedWorld = { ...base, ...people };
  await step('clients', () => seedClients(w, counts));
  await step('rollcalls', () => writeAll(RollCall, rollCalls(w)));
  await step('hygiene', () => writeAll(HygieneEvaluation, hygiene(w)));
  await step('rent', () => writeAll(RentReport, rents(w)));
  await seedRecords(w, step);
  await writeAll(
    Counter,
    w.numbers.flatMap((n) => n.counters()),
  );
  return counts;
}

/**
 * Seeds the connected database unless it already holds this very seed (same scale and end), so a
 * second bench run starts at once; anything else in it (a seed cut short) is dropped first.
 */
export async function ensureSeeded(
  scale: SeedScale,
  end: string,
  tz: string,
  log: (m: string) => void = () => {},
): Promise<{ counts: SeedCounts; seededNow: boolean; seconds: number }> {
  const db = mongoose.connection.db!;
  const meta = db.collection<{ _id: string; key: string; counts: SeedCounts; seconds: number }>('benchseed');
  const key = JSON.stringify({ scale, end, tz, v: SEED_VERSION });
  const done = await meta.findOne({ _id: 'seed' });
  if (done?.key === key) return { counts: done.counts, seededNow: false, seconds: done.seconds };
  await db.dropDatabase();
  await ensureIndexes(composition.models);
  const t0 = Date.now();
  const counts = await seedCompany(scale, end, tz, log);
  const seconds = (Date.now() - t0) / 1000;
  await meta.insertOne({ _id: 'seed', key, counts, seconds });
  return { counts, seededNow: true, seconds };
}

/** Bumped whenever the seeder changes what it writes, so a kept database is seeded again. */
const SEED_VERSION = 1;
