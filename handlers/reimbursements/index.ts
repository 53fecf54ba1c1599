import type { Workflow } from '../../src/core/workflow.ts';

/** Being built: see the issue. Declares this workflow's commands, card actions, forms and jobs. */
export const reimbursements: Workflow = { name: 'reimbursements', commands: [], actions: [], forms: [], jobs: [] };
