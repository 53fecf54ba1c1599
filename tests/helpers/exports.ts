import ExcelJS from 'exceljs';
import type { FileMessage } from '../../src/core/types.ts';
import type { MemoryReceiver, Sent } from './harness.ts';

/** A workbook's sheets as rows of cell values (header first), as Excel would read them. */
export async function readWorkbook(data: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: Record<string, unknown[][]> = {};
  for (const ws of wb.worksheets) {
    const rows: unknown[][] = [];
    ws.eachRow((row) => {
      const values = row.values as unknown[];
      rows.push(Array.from({ length: ws.columnCount }, (_, i) => values[i + 1] ?? null));
    });
    out[ws.name] = rows;
  }
  return out;
}

/**
 * `who` sends `导出 …` on the memory channel: what the bot replied, and the file it sent (read back),
 * if any.
 */
export async function exportAs(
  chat: MemoryReceiver,
  who: string,
  text: string,
  opts: { chatId?: string; isGroup?: boolean } = {},
): Promise<{ replies: string[]; file?: Sent & { message: FileMessage }; sheets: Record<string, unknown[][]> }> {
  const from = chat.sent.length;
  const replies = await chat.say(who, text, opts);
  const file = chat.sent
    .slice(from)
    .find((s) => typeof s.message === 'object' && 'kind' in s.message && s.message.kind === 'file') as
    | (Sent & { message: FileMessage })
    | undefined;
  return { replies, file, sheets: file?.file ? await readWorkbook(file.file) : {} };
}

/** The rows of a sheet as objects keyed by the header. */
export function byHeader(rows: unknown[][]): Record<string, unknown>[] {
  const [header, ...rest] = rows;
  return rest.map((r) => Object.fromEntries((header ?? []).map((h, i) => [String(h), r[i]])));
}
