import type { Card, CardButton } from '../../src/core/types.ts';
import type { AccidentRecord, TripRecord } from './models.ts';
import { costsTotal, formatFen, showOccurred } from './rules.ts';

/*
 * The short replies of a trip's and an accident's steps (#21): what happened, the number, what comes
 * next and for whom, in a few lines; the whole record is one command away (「出车记录 CL-…」,
 * 「事故 SG-…」). cards.ts draws the records themselves.
 */

/** Where the whole trip is. */
export function seeTrip(no: string): string {
  return `发送「出车记录 ${no}」查看明细`;
}

/** Where the whole accident is. */
export function seeAccident(no: string): string {
  return `发送「事故 ${no}」查看经过`;
}

/** The trip in one line: under way, from where the odometer stood; ended, how far and what it cost. */
export function tripSummary(t: TripRecord): string {
  const who = `${t.plate} ${t.driver.name}`;
  if (t.endOdometer == null) return `${who}，出车里程 ${t.startOdometer} km，${t.purpose}`;
  const cost = costsTotal(t.costs);
  return `${who}，行驶 ${t.endOdometer - t.startOdometer} km，${cost ? `费用 ${formatFen(cost)}` : '无费用'}`;
}

/** A step of a trip: its summary, a warning on it, and what comes next (`next`), the record one command away. */
export function tripReply(t: TripRecord, title: string, next?: string, buttons?: CardButton[]): Card {
  const warnings = [
    ...t.flags.map((f) => f.message),
    ...(t.costCheck?.status === 'pending' ? [t.costCheck.message] : []),
  ];
  return {
    title,
    color: warnings.length ? 'orange' : 'blue',
    lines: [tripSummary(t), ...(warnings.length ? [`⚠ ${warnings[0]}`] : []), ...(next ? [next] : [])],
    note: seeTrip(t._id),
    buttons,
  };
}

/**
 * An accident as the people who must act read it first: who, when, where, and whether anyone is hurt
 * and what is damaged; the account and the history behind 「事故 SG-…」.
 */
export function accidentReply(
  a: AccidentRecord,
  tz: string,
  title: string,
  next: string,
  buttons?: CardButton[],
): Card {
  return {
    title,
    color: a.status === 'closed' ? 'green' : a.status === 'reported' ? 'red' : 'orange',
    lines: [
      `时间：${showOccurred(a.occurred, tz)}　地点：${a.place}　报告人：${a.reporter.name}`,
      `伤亡：${a.injuries}；车损：${a.damage}`,
    ],
    note: `${next}${next.endsWith('。') ? '' : '。'}${seeAccident(a._id)}`,
    buttons,
  };
}

/** 已知悉 on the first card to 人防部: the one button that stops the second notice. */
export function acknowledgeButton(no: string): CardButton {
  return { label: '已知悉', action: 'vehicles.accidentAck', value: { no }, style: 'primary' };
}

/** 报销这次费用 on a trip whose costs may be claimed. */
export function claimTripButton(no: string): CardButton {
  return { label: '报销这次费用', action: 'vehicles.claimTrip', value: { no }, style: 'primary' };
}
