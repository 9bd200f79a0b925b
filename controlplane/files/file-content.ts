import { BASE64 } from '../domain/base64.js';
import { domainError } from '../domain/domain-error.js';
import { MIN_TIMEOUT_SECONDS } from '../domain/task-limits.js';
import type { FileContentType } from '../store/records.js';

/** SendFile's Content limit, on the Base64 form (spec §14.1: 32 KB after Base64). */
export const FILE_CONTENT_LIMIT = 32 * 1024;
export const DEFAULT_FILE_TIMEOUT_SECONDS = 60;
/** FileOwner, FileGroup and FileMode when the call gives none (spec §14.1). */
export const FILE_DEFAULTS = { owner: 'root', group: 'root', mode: '0644' } as const;

/**
 * The file's bytes as Base64 (spec §14.1). Base64 content that does not decode is
 * FileContent.DecodeError; more than 32 KB of Base64 is FileSize.ExceedLimit. Pure.
 */
export function fileContentBase64(content: string, contentType: FileContentType): string {
  let base64: string;
  if (contentType === 'PlainText') {
    base64 = Buffer.from(content, 'utf8').toString('base64');
  } else {
    base64 = content.replace(/\s+/g, '');
    if (!BASE64.test(base64)) throw domainError('FileContent.DecodeError');
  }
  if (base64.length > FILE_CONTENT_LIMIT) throw domainError('FileSize.ExceedLimit');
  return base64;
}

/** Timeout: default 60 s, values below 10 s are raised to 10 s (spec §14.1). Pure. */
export function sendFileTimeout(given: number | undefined): number {
  return Math.max(given ?? DEFAULT_FILE_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS);
}
