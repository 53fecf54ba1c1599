import type { ActionRoute, AttachmentRoute, CommandRoute } from './router.ts';
import type { FormDefinition } from './forms.ts';
import type { JobDefinition } from '../../schedules/scheduler.ts';

/**
 * One workflow of the rulebook (staff, complaints, reimbursements…): its commands, card actions,
 * forms and scheduled jobs, declared together and composed into the bot's one route table.
 */
export interface Workflow {
  name: string;
  /** Heading of this workflow's commands in 帮助. */
  title: string;
  commands: CommandRoute[];
  actions: ActionRoute[];
  forms?: FormDefinition[];
  /** What a picture or file sent to the bot means in this workflow (one workflow may claim it). */
  attachment?: AttachmentRoute;
  jobs?: JobDefinition[];
}
