import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FileMessage } from '../core/types.ts';

/**
 * A copy of a file the bot sent, kept under `dir` with its own name (a number added when that name
 * is taken); its absolute path, which the transcript prints.
 */
export async function keepFile(dir: string, file: FileMessage): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = path.extname(file.name);
  const stem = path.basename(file.name, ext);
  for (let n = 1; ; n++) {
    const to = path.resolve(dir, n === 1 ? `${stem}${ext}` : `${stem}-${n}${ext}`);
    if (to === path.resolve(file.path)) return to;
    try {
      await copyFile(file.path, to, constants.COPYFILE_EXCL);
      return to;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
