import type { JobDefinition } from './scheduler.ts';
import { maintenanceJobs } from './maintenance.ts';

/** Every scheduled job; workflows add theirs here. */
export const jobs: JobDefinition[] = [...maintenanceJobs];
