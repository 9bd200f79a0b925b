import { apiError } from '../errors.js';
import type { TextEncoding } from '../views.js';

/** Content sizes are checked on the Base64 form (spec Decisions §1). */
export const SAVED_CONTENT_LIMIT = 18 * 1024;
export const RUN_ONLY_CONTENT_LIMIT = 24 * 1024;

export { BASE64 } from '../../domain/base64.js';
import { BASE64 } from '../../domain/base64.js';

/** The bytes of CommandContent as Base64; a malformed Base64 text is CmdContent.DecodeError. */
export function contentAsBase64(content: string, encoding: TextEncoding): string {
  if (encoding === 'PlainText') return Buffer.from(content, 'utf8').toString('base64');
  const compact = content.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw apiError('CmdContent.DecodeError');
  return compact;
}

/** `action` picks the operation's own wording of the error (InvokeCommand's differs). */
export function checkContentSize(base64: string, limit: number, action?: string): void {
  if (base64.length > limit) throw apiError('CmdContent.ExceedLimit', '', action);
}
