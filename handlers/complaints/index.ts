import type { Workflow } from '../../src/core/workflow.ts';

/** Being built: see the issue. Declares this workflow's commands, card actions, forms and jobs. */
export const complaints: Workflow = { name: 'complaints', commands: [], actions: [], forms: [], jobs: [] };
