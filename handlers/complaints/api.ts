/*
 * What other workflows may use of complaints (Ch.10 III); everything else in this folder is its own.
 * The clients workflow builds on it: a client's open complaints and due follow-ups, a call or visit
 * that is also a complaint's follow-up (recordFollowUp, the complaint's own step), a rename carried
 * over. Complaints in turn reads the client records through the clientDirectory extension point,
 * which the clients workflow fills, so it never imports clients.
 */

export { beyondAuthority, MONEY_APPROVERS, moneyPromises, needsChairman } from './authority-rules.ts';
export {
  type ClientRef,
  type DueFollowUp,
  dueFollowUpsOf,
  openComplaintsOf,
  type PlannedFollowUp,
  plannedFollowUps,
  renameClientOnComplaints,
} from './by-client.ts';
export { type ClientDirectory, type ClientEntry, clientDirectory } from './client-directory.ts';
export { loadComplaint } from './common.ts';
export { recordFollowUp } from './followup.ts';
export { canFollowUp, parseComplaintNumber, parseSatisfied } from './rules.ts';
export { csHeadPhonesOf } from './settings.ts';
