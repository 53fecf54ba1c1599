import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { FileMessage } from '../../core/types.ts';
import { asApiError, LarkApiError } from './errors.ts';

/*
 * A file or picture sent on Lark (Outgoing's FileMessage): uploaded first (上传文件 im/v1/files, or
 * 上传图片 im/v1/images for a picture), then sent as a `file` or `image` message with the key the
 * upload returned. What Lark would refuse is refused here before anything is uploaded.
 */

/** 上传文件: "文件大小不得超过 30 MB，且不允许上传空文件". */
export const LARK_FILE_MAX_BYTES = 30 * 1024 * 1024;
/** 上传图片: "上传的图片大小不能超过 10 MB，且不支持上传大小为 0 的图片". */
export const LARK_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

export type LarkFileType = 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';

/** The upload's `file_type` for a file name: Lark knows a few document kinds; anything else is `stream`. */
export function larkFileType(name: string): LarkFileType {
  const ext = path.extname(name).toLowerCase().slice(1);
  if (ext === 'opus' || ext === 'mp4' || ext === 'pdf') return ext;
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'xls' || ext === 'xlsx' || ext === 'csv') return 'xls';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  return 'stream';
}

/** A file Lark would refuse (empty, or over 30 MB): not worth an upload, nor a retry. */
export class FileNotSendableError extends Error {
  constructor(
    readonly fileName: string,
    readonly bytes: number,
  ) {
    super(
      bytes === 0
        ? `lark: file 「${fileName}」 is empty`
        : `lark: file 「${fileName}」 is ${bytes} bytes, over the ${LARK_FILE_MAX_BYTES}-byte limit`,
    );
    this.name = 'FileNotSendableError';
  }
}

/** One message of a file send: the caption's text, then the file or image. */
export interface FilePart {
  msgType: 'text' | 'file' | 'image';
  content: string;
}

/**
 * Uploads `file` and returns what to send: its caption (when it has one) and the file or image
 * message. A picture over 10 MB goes as a file, as Lark advises for large pictures.
 */
export async function uploadParts(client: lark.Client, file: FileMessage): Promise<FilePart[]> {
  const { size } = await stat(file.path);
  if (size === 0 || size > LARK_FILE_MAX_BYTES) throw new FileNotSendableError(file.name, size);
  const caption: FilePart[] = file.caption
    ? [{ msgType: 'text', content: JSON.stringify({ text: file.caption }) }]
    : [];
  if (file.image && size <= LARK_IMAGE_MAX_BYTES) {
    const res = await upload('image upload', () =>
      client.im.image.create({ data: { image_type: 'message', image: createReadStream(file.path) } }),
    );
    const key = res?.image_key;
    if (!key) throw new LarkApiError('image upload', 200, undefined, 'no image_key in the answer');
    return [...caption, { msgType: 'image', content: JSON.stringify({ image_key: key }) }];
  }
  const res = await upload('file upload', () =>
    client.im.file.create({
      data: { file_type: larkFileType(file.name), file_name: file.name, file: createReadStream(file.path) },
    }),
  );
  const key = res?.file_key;
  if (!key) throw new LarkApiError('file upload', 200, undefined, 'no file_key in the answer');
  return [...caption, { msgType: 'file', content: JSON.stringify({ file_key: key }) }];
}

/** The SDK answers an upload with the body's `data` only (null when Lark said `code != 0`); HTTP errors throw. */
async function upload<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asApiError(operation, err);
  }
}
