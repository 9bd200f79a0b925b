import type { IncomingMessage } from 'node:http';
import { ClientAbortedError } from './client-aborted.js';

/**
 * A request's body, at most `maxBytes` (null when it is longer: the rest is read and dropped).
 * Rejects with ClientAbortedError when the client goes away before it has sent it all.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    request.on('error', (error) => reject(new ClientAbortedError(error)));
  });
}
