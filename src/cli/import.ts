import { runImportCli } from './table-import.ts';

/*
 * npm run import -- <kind> <file.csv|.xlsx> [--dry-run] [--by 姓名]
 * e.g. npm run import -- clients 客户名单.xlsx; without a kind it lists the kinds.
 */
runImportCli(process.argv.slice(2));
