import { runImportCli } from './table-import.ts';

/* npm run import-clients -- <客户名单.csv|.xlsx> [--dry-run] [--by 姓名]: `npm run import -- clients`, by its older name. */
runImportCli(process.argv.slice(2), { kind: 'clients', command: 'npm run import-clients --' });
