import { runImportCli } from './table-import.ts';

/* npm run import-supplies -- <配置清单.csv|.xlsx> [--dry-run] [--by 姓名]: `npm run import -- supplies`, by its older name. */
runImportCli(process.argv.slice(2), { kind: 'supplies', command: 'npm run import-supplies --' });
