import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SendFileService } from '../../controlplane/files/send-file-service.js';
import type { AgentSender } from '../../controlplane/hub/agent-sessions.js';
import { Store } from '../../controlplane/store/store.js';
import { AdjustableClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { taskIdOf } from '../../shared/task-keys.js';
import { removeDir } from '../support/harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** An agent connection that records what it is sent, and the delivery's stored status at that moment (read from the file). */
function recordingSender(file: string): AgentSender & { sent: Array<{ message: ServerMessage; storedStatus: string | undefined }> } {
  const reader = new Database(file, { readonly: true });
  const sent: Array<{ message: ServerMessage; storedStatus: string | undefined }> = [];
  return {
    sent,
    send(_instanceId, message) {
      const row = reader.prepare('SELECT status FROM file_deliveries').get() as { status: string } | undefined;
      sent.push({ message, storedStatus: row?.status });
      return true;
    },
    isConnected: () => true,
    presenceColumn: () => ({ trusted: false }),
  };
}

describe('a file result is acknowledged only once it is durable', () => {
  it('waits for the commit of the group another agent message opened in the same turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casim-file-ack-'));
    dirs.push(dir);
    const file = join(dir, 'casim.db');
    const store = new Store(file);
    const sender = recordingSender(file);
    const files = new SendFileService(store, sender, new AdjustableClock(), createLogger('test-file-ack'));
    try {
      const instanceId = 'mi-file-ack';
      files.start({
        invokeId: 'f-ack', regionId: 'cn-hangzhou', name: 'a.txt', description: '', content: 'hi', contentType: 'PlainText',
        fileOwner: 'root', fileGroup: 'root', fileMode: '0644', targetDir: '/tmp', overwrite: false, timeout: 60,
        creationTime: '2026-12-03T00:00:00Z', resourceGroupId: '', tags: [], instanceIds: [instanceId],
      });
      expect(sender.sent.map((s) => [s.message.type, s.storedStatus])).toEqual([['file', 'Pending']]);
      // Another agent's message of this turn has opened the group commit (a heartbeat does).
      store.group(() => store.presence.heartbeat(instanceId, '2026-12-03T00:00:01Z'));
      const now = new Date().toISOString();
      files.onFileFinished(instanceId, { type: 'file-finished', fileId: taskIdOf('f-ack', instanceId), outcome: { kind: 'written' }, startedAt: now, finishedAt: now });
      // A second copy of the report in the same turn: acknowledged with the same commit, not before it.
      files.onFileFinished(instanceId, { type: 'file-finished', fileId: taskIdOf('f-ack', instanceId), outcome: { kind: 'written' }, startedAt: now, finishedAt: now });
      expect(sender.sent).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sender.sent.slice(1)).toEqual([
        { message: { type: 'file-finish-ack', fileId: taskIdOf('f-ack', instanceId) }, storedStatus: 'Success' },
        { message: { type: 'file-finish-ack', fileId: taskIdOf('f-ack', instanceId) }, storedStatus: 'Success' },
      ]);
    } finally {
      files.close();
      store.close();
    }
  });
});
