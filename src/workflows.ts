import { clients } from '../handlers/clients/index.ts';
import { complaints } from '../handlers/complaints/index.ts';
import { dorms } from '../handlers/dorms/index.ts';
import { foundation } from '../handlers/foundation/index.ts';
import { reimbursements } from '../handlers/reimbursements/index.ts';
import { reports } from '../handlers/reports/index.ts';
import { supplies } from '../handlers/supplies/index.ts';
import { vehicles } from '../handlers/vehicles/index.ts';
import { clientJobs } from '../schedules/clients.ts';
import { complaintJobs } from '../schedules/complaints.ts';
import { dormJobs } from '../schedules/dorms.ts';
import { foundationJobs } from '../schedules/foundation.ts';
import { reimbursementJobs } from '../schedules/reimbursements.ts';
import { reportJobs } from '../schedules/reports.ts';
import { supplyJobs } from '../schedules/supplies.ts';
import { vehicleJobs } from '../schedules/vehicles.ts';
import { maintenanceJobs } from './core/maintenance.ts';
import { compose, type Installed, install } from './core/workflow.ts';

/**
 * The one place that decides what this bot runs: each workflow (handlers/<name>/) with its jobs
 * (schedules/<name>.ts). Adding a workflow is one line here. Order is the order of 帮助.
 */
export const installed: readonly Installed[] = [
  install(foundation, [...maintenanceJobs, ...foundationJobs]),
  install(complaints, complaintJobs),
  install(reimbursements, reimbursementJobs),
  install(dorms, dormJobs),
  install(supplies, supplyJobs),
  install(vehicles, vehicleJobs),
  install(clients, clientJobs),
  install(reports, reportJobs),
];

export const composition = compose(installed);
