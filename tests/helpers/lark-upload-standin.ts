import type { IncomingHttpHeaders } from 'node:http';

/*
 * The stand-in's part for Lark's uploads (lark-standin.ts hands it the requests): 上传文件
 * (POST /open-apis/im/v1/files) and 上传图片 (POST /open-apis/im/v1/images), multipart bodies,
 * keeping what was uploaded and refusing what Lark refuses:
 *
 * - a file over 30 MB ("文件大小不得超过 30 MB"), a picture over 10 MB ("上传的图片大小不能超过 10 MB"):
 *   400, 234006 (The file size exceed the max value.);
 * - an empty one ("不允许上传空文件", "不支持上传大小为 0 的图片"): 400, 234010;
 * - a `file_type` other than opus, mp4, pdf, doc, xls, ppt, stream, a missing `file_name`, an
 *   `image_type` other than message or avatar: 400, 234001 (Invalid request param.);
 * - a "picture" that is no picture format Lark reads: 400, 234011 (Can't recognize the image format.).
 *
 * A `file` or `image` message must name a key this app uploaded, of that kind.
 */

export const LARK_UPLOAD_LIMITS = {
  fileBytes: 30 * 1024 * 1024,
  imageBytes: 10 * 1024 * 1024,
  fileTypes: ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'],
  imageTypes: ['message', 'avatar'],
} as const;

const PARAM = { code: 234001, msg: 'Invalid request param.' };
const TOO_BIG = { code: 234006, msg: 'The file size exceed the max value.' };
const EMPTY = { code: 234010, msg: "File's size can't be 0." };
const NOT_IMAGE = { code: 234011, msg: "Can't recognize the image format." };

export interface Upload {
  kind: 'file' | 'image';
  key: string;
  /** file_type, or image_type. */
  type: string;
  /** file_name (files), or the part's filename. */
  name: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  /** Every part's bytes by name: a Buffer the SDK sends has no filename, a stream has one. */
  parts: Record<string, { filename?: string; data: Buffer }>;
}

/** A multipart/form-data body, as a server reads it. */
export function parseMultipart(raw: Buffer, contentType: string | undefined): MultipartBody | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const out: MultipartBody = { fields: {}, parts: {} };
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) break;
    // each part: CRLF, headers, CRLF CRLF, body, CRLF before the next delimiter
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const body = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name !== undefined) {
      out.parts[name] = { filename, data: Buffer.from(body) };
      out.fields[name] = body.toString('utf8');
    }
    at = next;
  }
  return out;
}

/** Whether the bytes start like a picture format Lark takes (PNG, JPEG, GIF, WEBP, BMP). */
function looksLikeImage(data: Buffer): boolean {
  const hex = data.subarray(0, 12).toString('hex');
  return (
    hex.startsWith('89504e47') ||
    hex.startsWith('ffd8ff') ||
    hex.startsWith('47494638') ||
    hex.startsWith('424d') ||
    (hex.startsWith('52494646') && data.subarray(8, 12).toString() === 'WEBP')
  );
}

export class UploadStandin {
  readonly uploads: Upload[] = [];
  private seq = 0;

  /** The answer to an upload request, or undefined when `path` is not an upload. */
  answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    raw: Buffer,
  ): { status: number; json: unknown } | undefined {
    const kind = path === '/open-apis/im/v1/files' ? 'file' : path === '/open-apis/im/v1/images' ? 'image' : undefined;
    if (!kind || method !== 'POST') return undefined;
    const form = parseMultipart(raw, headers['content-type']);
    const part = form?.parts[kind];
    if (!form || !part) return { status: 400, json: PARAM };
    const type = kind === 'file' ? form.fields.file_type : form.fields.image_type;
    const allowed: readonly string[] = kind === 'file' ? LARK_UPLOAD_LIMITS.fileTypes : LARK_UPLOAD_LIMITS.imageTypes;
    if (!type || !allowed.includes(type)) return { status: 400, json: PARAM };
    if (kind === 'file' && !form.fields.file_name) return { status: 400, json: PARAM };
    if (part.data.length === 0) return { status: 400, json: EMPTY };
    const max = kind === 'file' ? LARK_UPLOAD_LIMITS.fileBytes : LARK_UPLOAD_LIMITS.imageBytes;
    if (part.data.length > max) return { status: 400, json: TOO_BIG };
    if (kind === 'image' && !looksLikeImage(part.data)) return { status: 400, json: NOT_IMAGE };
    const key = `${kind === 'file' ? 'file' : 'img'}_v3_standin_${++this.seq}`;
    this.uploads.push({ kind, key, type, name: form.fields.file_name ?? part.filename ?? '', data: part.data });
    return {
      status: 200,
      json: { code: 0, msg: 'success', data: kind === 'file' ? { file_key: key } : { image_key: key } },
    };
  }

  /** Why Lark would refuse a `file` or `image` message with this content (a key it does not know). */
  refusal(msgType: string, content: string): { code: number; msg: string } | undefined {
    if (msgType !== 'file' && msgType !== 'image') return undefined;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(content) as Record<string, unknown>;
    } catch {
      return { code: 230001, msg: 'Your request contains an invalid request parameter, ext=content is not JSON' };
    }
    const key = msgType === 'file' ? parsed.file_key : parsed.image_key;
    if (!this.uploads.some((u) => u.key === key && u.kind === msgType))
      return { code: 230001, msg: `Your request contains an invalid request parameter, ext=unknown ${msgType} key` };
    return undefined;
  }

  byKey(key: string): Upload | undefined {
    return this.uploads.find((u) => u.key === key);
  }
}
