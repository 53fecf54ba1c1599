import PQueue from 'p-queue';
import type { Services } from '../../src/core/context.ts';
import { notify, type Recipient } from '../../src/core/notify.ts';
import { isDuplicateKey, takeOnce } from '../../src/core/once.ts';
import type { Channel } from '../../src/core/types.ts';
import { Identity, OnceKey } from '../../src/models/index.ts';
import {
  chaseText,
  confirmChaseText,
  type EveningDigest,
  eveningDigestText,
  noLeaderText,
  rollCallCard,
} from './cards.ts';
import { loadRosters, settings, tellGeneralAffairs } from './common.ts';
import { type PersonRef, RollCall, RollCallCard, type RollCallRecord, rollCallId } from './models.ts';
import { rollCallsOn } from './records.ts';
import { curfewAt, type DormRoster, eveningAt, eveningOf, phaseAt, reportLine, rollCallDuty } from './rules.ts';

/*
 * The evening of §3.3.3 as one state machine driven by the clock: roll call → chase → escalation.
 * A job calls `eveningStep` every minute; what is due at `now` happens once across instances
 * because every send is preceded by a unique insert (a roll call per dorm and evening, a claim for
 * the chase and the escalation). A bot that was down catches up on its first minute back, but
 * never asks for an evening whose escalation time has passed.
 */

export interface EveningStep {
  date: string;
  phase: ReturnType<typeof phaseAt>;
  asked: string[];
  noLeader: string[];
  reminded: string[];
  escalated: string[];
}

/** Dorms asked at once; the outbox paces the messages themselves to the platform limits. */
const FAN_OUT_CONCURRENCY = 50;

export async function eveningStep(services: Services, now: Date = services.now()): Promise<EveningStep> {
  const s = settings(services);
  const tz = services.config.timezone;
  const date = eveningOf(now, tz);
  const phase = phaseAt(now, date, s.times, tz);
  const out: EveningStep = { date, phase, asked: [], noLeader: [], reminded: [], escalated: [] };
  if (phase === 'asking' || phase === 'chasing') Object.assign(out, await sendRollCalls(services, date, now));
  if (phase === 'chasing') out.reminded = await chase(services, date);
  if (phase === 'escalated') out.escalated = await escalate(services, date);
  return out;
}

/**
 * Sends each dorm's roll call to its leader(s) once: the roll call's insert is the claim. Dorms
 * with residents but nobody to ask are reported to 综合部 once per evening.
 */
export async function sendRollCalls(
  services: Services,
  date: string,
  now: Date,
): Promise<{ asked: string[]; noLeader: string[] }> {
  const done = `dorms:rollcall:${date}`;
  if (await OnceKey.exists({ _id: done })) return { asked: [], noLeader: [] };
  const rosters = await loadRosters(services);
  const toAsk = rosters.filter((r) => rollCallDuty(r) === 'ask');
  const leaderLinks = await reachableLinks(
    services,
    toAsk.flatMap((r) => r.leaders),
  );
  const asked: string[] = [];
  const queue = new PQueue({ concurrency: FAN_OUT_CONCURRENCY });
  await Promise.all(
    toAsk.map((r) =>
      queue.add(async () => {
        if (await askDorm(services, date, now, r, leaderLinks)) asked.push(r.name);
      }),
    ),
  );
  const unasked = rosters
    .map((r) => ({ dorm: r.name, residents: r.residents.length, why: rollCallDuty(r) }))
    .filter(
      (d): d is { dorm: string; residents: number; why: 'no_leader' | 'leader_unreachable' } =>
        d.why === 'no_leader' || d.why === 'leader_unreachable',
    );
  if (unasked.length && (await takeOnce(`dorms:noleader:${date}`, 'scheduler'))) {
    await tellGeneralAffairs(services, noLeaderText(date, unasked));
  }
  await takeOnce(done, 'scheduler');
  return { asked, noLeader: unasked.map((d) => d.dorm) };
}

async function reachableLinks(services: Services, people: PersonRef[]): Promise<Map<string, Recipient[]>> {
  const names = new Map(people.map((p) => [p.staffId, p.name]));
  const links = await Identity.find(
    { staffId: { $in: [...names.keys()] } },
    { staffId: 1, channel: 1, userId: 1 },
  ).lean();
  const by = new Map<string, Recipient[]>();
  for (const l of links) {
    if (!services.outbox.has(l.channel as Channel)) continue;
    const id = String(l.staffId);
    by.set(id, [
      ...(by.get(id) ?? []),
      { staffId: id, name: names.get(id) ?? '', channel: l.channel as Channel, userId: l.userId },
    ]);
  }
  return by;
}

/** One dorm: insert its roll call (false when another instance already did), then send the card. */
async function askDorm(
  services: Services,
  date: string,
  now: Date,
  r: DormRoster,
  links: Map<string, Recipient[]>,
): Promise<boolean> {
  const _id = rollCallId(date, r.name);
  try {
    await RollCall.create({ _id, date, dorm: r.name, residents: r.residents, leaders: r.leaders, askedAt: now });
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
  const recipients = r.leaders.flatMap((l) => links.get(l.staffId) ?? []);
  const refs = await notify(
    services,
    recipients,
    rollCallCard({ _id, date, dorm: r.name, residents: r.residents }, settings(services).times),
  );
  if (refs.length < recipients.length)
    services.log.warn(
      { rollCall: _id, sent: refs.length, wanted: recipients.length },
      'roll call not delivered to every leader',
    );
  const cards = refs
    .filter((c) => c.messageId)
    .map((c) => ({
      _id: `${_id}:${c.channel}:${c.userId}`,
      rollCall: _id,
      channel: c.channel,
      userId: c.userId,
      messageId: c.messageId,
    }));
  if (cards.length)
    await RollCallCard.insertMany(cards, { ordered: false }).catch((err) =>
      services.log.warn({ err, rollCall: _id }, 'card refs not saved'),
    );
  return true;
}

/** Asked and not reported, or (once 22:00 has passed at `at`) reported only with a 预报 before 22:00. */
function isOpen(rc: RollCallRecord, pastCurfew: boolean): boolean {
  return !!rc.askedAt && (!rc.report || (pastCurfew && !!rc.report.preCurfew));
}

/**
 * Chase time: each leader whose dorm has not reported — and who was asked before the chase time — is
 * reminded once; so is one who only sent a 预报 before 22:00 (§3.3.3 counts who is in at 22:00).
 */
export async function chase(services: Services, date: string): Promise<string[]> {
  if (!(await takeOnce(`dorms:chase:${date}`, 'scheduler'))) return [];
  const s = settings(services);
  const tz = services.config.timezone;
  const chaseAt = eveningAt(date, s.times.chase, tz).getTime();
  const pastCurfew = chaseAt >= curfewAt(date, tz).getTime();
  // a roll call that only went out with a catch-up after the chase time is not chased a moment later
  const open = (await rollCallsOn(date)).filter(
    (rc) => isOpen(rc, pastCurfew) && new Date(rc.askedAt!).getTime() < chaseAt,
  );
  const links = await reachableLinks(
    services,
    open.flatMap((rc) => rc.leaders),
  );
  const queue = new PQueue({ concurrency: FAN_OUT_CONCURRENCY });
  const text = (rc: RollCallRecord) => (rc.report ? confirmChaseText(rc, s.times, tz) : chaseText(rc, s.times));
  await Promise.all(
    open.map((rc) =>
      queue.add(() =>
        notify(
          services,
          rc.leaders.flatMap((l) => links.get(l.staffId) ?? []),
          text(rc),
        ),
      ),
    ),
  );
  return open.map((rc) => rc.dorm);
}

/**
 * Escalation time: 综合部 gets the evening's summary once — the dorms that were asked and did not
 * report, those with only a 预报 before 22:00, and who is 未归, 请假 and 夜班执勤 (§3.3.3: who is in at
 * 22:00, and who is not and why). Nothing is sent when everyone reported everyone in. If the roll
 * call never went out (the bot was down all evening), 综合部 is told that instead.
 */
export async function escalate(services: Services, date: string): Promise<string[]> {
  if (!(await takeOnce(`dorms:escalate:${date}`, 'scheduler'))) return [];
  const all = await rollCallsOn(date);
  if (!all.some((rc) => rc.askedAt)) {
    const due = (await loadRosters(services)).filter((r) => rollCallDuty(r) === 'ask');
    if (due.length) {
      await tellGeneralAffairs(
        services,
        `⚠️ ${date} 晚的查房没有发出（系统停机），请电话联系各宿舍队长核实归宿情况（${due.length} 个宿舍）。`,
      );
    }
    return [];
  }
  const sorted = [...all].sort((a, b) => a.dorm.localeCompare(b.dorm, 'zh'));
  const digest: EveningDigest = {
    open: sorted
      .filter((rc) => rc.askedAt && !rc.report)
      .map((rc) => ({ dorm: rc.dorm, leaders: rc.leaders.map((l) => l.name) })),
    unconfirmed: sorted
      .filter((rc) => rc.report?.preCurfew)
      .map((rc) => ({
        dorm: rc.dorm,
        by: rc.report!.by.name,
        at: rc.report!.at,
        line: reportLine(rc.report!.entries),
      })),
    out: sorted.flatMap((rc) =>
      (rc.report?.entries ?? [])
        .filter((e) => e.status !== 'present')
        .map((e) => ({
          dorm: rc.dorm,
          name: e.name,
          status: e.status as 'absent' | 'leave' | 'night_duty',
          note: e.note,
          returnedAt: e.returnedAt,
        })),
    ),
  };
  if (digest.open.length || digest.unconfirmed.length || digest.out.length) {
    await tellGeneralAffairs(services, eveningDigestText(date, digest, services.config.timezone));
  }
  return [...digest.open, ...digest.unconfirmed].map((d) => d.dorm).sort((a, b) => a.localeCompare(b, 'zh'));
}
