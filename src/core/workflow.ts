import type { Model } from 'mongoose';
import type { AnyRosterColumn } from '../roster/columns.ts';
import type { Services } from './context.ts';
import { type Extension, Extensions } from './extensions.ts';
import type { FormDefinition } from './forms.ts';
import type { FileImport } from './imports.ts';
import { type Reporting, reportingExtensions } from './reporting.ts';
import type {
  ActionRoute,
  AttachmentRoute,
  CommandRoute,
  RouteTable,
  StaffCardButtons,
  StaffHoldings,
} from './router.ts';
import type { JobDefinition } from './scheduler.ts';
import type { SettingsSlice } from './settings.ts';

/**
 * One workflow of the rulebook (staff, complaints, reimbursements…), declared in one folder:
 * `handlers/<name>/index.ts` exports this object. Its scheduled jobs live in `schedules/<name>.ts`
 * and are paired with it in src/workflows.ts, so handlers never import schedules.
 */
export interface Workflow {
  name: string;
  /** Heading of this workflow's commands in 帮助. */
  title: string;
  /** The short word after 帮助 that shows this workflow in full (帮助 报销); the title when unset. */
  topic?: string;
  commands: CommandRoute[];
  actions: ActionRoute[];
  forms?: FormDefinition[];
  /** What a picture or file sent to the bot means in this workflow: what of the sender's wants one now, and how it is kept. */
  attachment?: AttachmentRoute;
  /** The mongoose models this workflow owns; their indexes are built at start. */
  models?: readonly Model<any>[];
  /** Its environment variables, composed into the one configuration. */
  settings?: SettingsSlice;
  /** Buttons it adds to the staff card (人员 张三), e.g. the dorms' 设为宿舍队长. */
  staffCardButtons?: StaffCardButtons;
  /** What a person still holds here (permits, dorm leadership…), listed when they are disabled (停用). */
  staffHoldings?: StaffHoldings;
  /** Columns of the staff roster (花名册) that fill this workflow's data, e.g. the dorms' 宿舍队长. */
  rosterColumns?: readonly AnyRosterColumn[];
  /**
   * The workflows this one builds on: it imports their api.ts, or extends them. compose() refuses
   * it without them, rather than a command failing later.
   */
  requires?: readonly string[];
  /** What it adds to other workflows' extension points (src/core/extensions.ts), e.g. vehicles' §3.4.5 check on claims. */
  extends?: readonly Extension[];
  /**
   * Run at every start, after the indexes, before any message: brings records written by an older
   * version up to date (a backfill). It must be idempotent and cheap when there is nothing to do,
   * since every instance runs it at every start.
   */
  start?: (services: Services) => Promise<void>;
  /** Table files it imports from the command line (`npm run import -- <kind> <file>`). */
  imports?: readonly FileImport[];
  /** What it adds to 导出, 周报, 月报 客户 and 查找 (src/core/reporting.ts). */
  reporting?: Reporting;
}

/** A workflow with its scheduled jobs, as src/workflows.ts installs it. */
export interface Installed {
  workflow: Workflow;
  jobs: readonly JobDefinition[];
}

export function install(workflow: Workflow, jobs: readonly JobDefinition[] = []): Installed {
  return { workflow, jobs };
}

/** Everything the bot needs from its installed workflows, composed once. */
export interface Composition {
  routes: RouteTable;
  forms: FormDefinition[];
  jobs: JobDefinition[];
  models: Model<any>[];
  settings: SettingsSlice[];
  /** Handed to the roster import, which never imports a workflow itself. */
  rosterColumns: AnyRosterColumn[];
  /** Each workflow's start step, by workflow name. */
  starts: { name: string; run: (services: Services) => Promise<void> }[];
  /** What workflows added to each other's extension points; handlers read it as services.extensions. */
  extensions: Extensions;
  /** Every workflow's command-line imports. */
  imports: FileImport[];
}

export function compose(installed: readonly Installed[]): Composition {
  const workflows = installed.map((i) => i.workflow);
  checkDependencies(workflows);
  const fallbacks = workflows.filter((w) => w.attachment?.otherwise);
  if (fallbacks.length > 1)
    throw new Error(`only one workflow may answer a picture nothing wants: ${fallbacks.map((w) => w.name).join(', ')}`);
  return {
    routes: {
      // order matters only for 帮助, which lists commands in this order
      commands: workflows.flatMap((w) => w.commands.map((c) => ({ ...c, group: w.title, topic: w.topic ?? w.title }))),
      actions: workflows.flatMap((w) => w.actions),
      attachments: workflows.flatMap((w) => (w.attachment ? [{ ...w.attachment, name: w.name }] : [])),
      staffCardButtons: workflows.flatMap((w) => (w.staffCardButtons ? [w.staffCardButtons] : [])),
      staffHoldings: workflows.flatMap((w) => (w.staffHoldings ? [w.staffHoldings] : [])),
    },
    forms: workflows.flatMap((w) => w.forms ?? []),
    jobs: installed.flatMap((i) => i.jobs),
    models: workflows.flatMap((w) => w.models ?? []),
    settings: workflows.flatMap((w) => (w.settings ? [w.settings] : [])),
    rosterColumns: workflows.flatMap((w) => w.rosterColumns ?? []),
    starts: workflows.flatMap((w) => (w.start ? [{ name: w.name, run: w.start }] : [])),
    extensions: new Extensions(workflows.flatMap((w) => [...(w.extends ?? []), ...reportingExtensions(w.reporting)])),
    imports: workflows.flatMap((w) => w.imports ?? []),
  };
}

/** Each workflow's `requires`, and the owner of every point it extends, must be installed too. */
function checkDependencies(workflows: readonly Workflow[]): void {
  const names = new Set(workflows.map((w) => w.name));
  for (const w of workflows) {
    const needs = new Set([...(w.requires ?? []), ...(w.extends ?? []).map((e) => e.point.owner)]);
    const missing = [...needs].filter((n) => !names.has(n));
    if (missing.length) {
      throw new Error(
        `workflow "${w.name}" needs ${missing.map((n) => `"${n}"`).join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed: install ${missing.length > 1 ? 'them' : 'it'} in src/workflows.ts, or remove "${w.name}"`,
      );
    }
  }
}
