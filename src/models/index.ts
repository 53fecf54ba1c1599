import type { Model } from 'mongoose';
import { AuditEntry, AuditQueue } from './audit.ts';
import { inboxModels } from './inbox.ts';
import {
  CardPrompt,
  Counter,
  DueChunk,
  FormSession,
  InboundEvent,
  OnceKey,
  OpenKey,
  PictureChoice,
  ScheduleSlot,
} from './infra.ts';
import { Identity, Staff } from './people.ts';
import { Dorm, Post } from './places.ts';

export * from './audit.ts';
export * from './infra.ts';
/*
 * The core's models: people and places every workflow reads, and the bot's own bookkeeping.
 * Workflows declare their own models (handlers/<w>/models.ts); ensureIndexes takes both.
 */
export * from './people.ts';
export * from './places.ts';

export const coreModels: readonly Model<any>[] = [
  Staff,
  Identity,
  Post,
  Dorm,
  InboundEvent,
  FormSession,
  CardPrompt,
  PictureChoice,
  ScheduleSlot,
  OnceKey,
  Counter,
  DueChunk,
  OpenKey,
  AuditEntry,
  AuditQueue,
];

/** Every model the bot runs with these workflow models: the core's, the inbox's and theirs. */
export function allModels(workflowModels: readonly Model<any>[] = []): Model<any>[] {
  return [...coreModels, ...inboxModels, ...workflowModels];
}

/** Builds every index up front, so a query never runs without its index and a bad option fails at start. */
export async function ensureIndexes(workflowModels: readonly Model<any>[] = []): Promise<void> {
  for (const model of allModels(workflowModels)) await model.init();
}
