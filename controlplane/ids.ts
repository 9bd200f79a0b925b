import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Lower-case alphanumerics, like the region-coded IDs of the real service (`c-hz0jdfwcsr…`). */
function randomSuffix(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

export const newCommandId = (): string => `c-hz${randomSuffix(14)}`;
export const newInvokeId = (): string => `t-hz${randomSuffix(14)}`;
/** SendFile's InvokeId (`f-hz0jdfwd9f…`, spec §1.8). */
export const newFileInvokeId = (): string => `f-hz${randomSuffix(14)}`;
export const newInstanceId = (): string => `i-casim${randomSuffix(13)}`;
export const newManagedInstanceId = (): string => `mi-hz${randomSuffix(13)}`;
export const newActivationId = (): string => randomUUID().toUpperCase();
export const newActivationCode = (): string => `a-hz${randomBytes(18).toString('base64url')}`;
export const newSecret = (): string => randomBytes(24).toString('base64url');
export const newRequestId = (): string => randomUUID().toUpperCase();
