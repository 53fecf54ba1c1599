import { runImportCli } from './table-import.ts';

/* npm run import-roster -- <花名册.csv|.xlsx> [--dry-run]: `npm run import -- roster`, by its older name. */
runImportCli(process.argv.slice(2), { kind: 'roster', command: 'npm run import-roster --' });
