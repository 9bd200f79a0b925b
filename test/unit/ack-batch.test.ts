import { describe, expect, it } from 'vitest';
import { AckBatch } from '../../controlplane/hub/ack-batch.js';
import type { ServerMessage } from '../../shared/protocol.js';

/** An AckBatch on a recording sender, its end of tick called by hand. */
function batch(): { acks: AckBatch; sent: Array<[string, ServerMessage]>; endTick: () => void; deferred: () => number } {
  const sent: Array<[string, ServerMessage]> = [];
  const pending: Array<() => void> = [];
  const acks = new AckBatch({ send: (instanceId, message) => (sent.push([instanceId, message]), true) }, (flush) => pending.push(flush));
  return { acks, sent, endTick: () => pending.splice(0).forEach((flush) => flush()), deferred: () => pending.length };
}

const startedAck = (taskId: string, run = 1) => ({ type: 'started-ack', taskId, run }) as const;
const finishAck = (taskId: string, run = 1) => ({ type: 'finish-ack', taskId, run }) as const;

describe('AckBatch', () => {
  it('sends only the finish-ack when the run\'s started-ack is held in the same tick', () => {
    const { acks, sent, endTick } = batch();
    acks.hold('i-1', startedAck('t-1.i-1'));
    expect(acks.send('i-1', finishAck('t-1.i-1'))).toBe(true);
    endTick();
    expect(sent).toEqual([['i-1', finishAck('t-1.i-1')]]);
  });

  it('sends a held started-ack at the end of the tick when no finish-ack of its run came', () => {
    const { acks, sent, endTick, deferred } = batch();
    acks.hold('i-1', startedAck('t-1.i-1'));
    acks.hold('i-2', startedAck('t-1.i-2'));
    expect(deferred()).toBe(1); // one end-of-tick flush for the whole batch
    acks.send('i-2', finishAck('t-1.i-2', 2)); // another run of that task
    expect(sent).toEqual([['i-2', finishAck('t-1.i-2', 2)]]);
    endTick();
    expect(sent).toEqual([
      ['i-2', finishAck('t-1.i-2', 2)],
      ['i-1', startedAck('t-1.i-1')],
      ['i-2', startedAck('t-1.i-2')],
    ]);
  });

  it('does not hold back a started-ack past its tick: a finish-ack of a later tick goes out alone', () => {
    const { acks, sent, endTick } = batch();
    acks.hold('i-1', startedAck('t-1.i-1'));
    endTick();
    acks.send('i-1', finishAck('t-1.i-1'));
    endTick();
    expect(sent).toEqual([['i-1', startedAck('t-1.i-1')], ['i-1', finishAck('t-1.i-1')]]);
  });

  it('holds by run: a duplicate started-ack in one tick goes out once', () => {
    const { acks, sent, endTick } = batch();
    acks.hold('i-1', startedAck('t-1.i-1'));
    acks.hold('i-1', startedAck('t-1.i-1'));
    endTick();
    expect(sent).toEqual([['i-1', startedAck('t-1.i-1')]]);
  });

  it('defers with process.nextTick by default', async () => {
    const sent: ServerMessage[] = [];
    const acks = new AckBatch({ send: (_id, message) => (sent.push(message), true) });
    acks.hold('i-1', startedAck('t-1.i-1'));
    expect(sent).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([startedAck('t-1.i-1')]);
  });
});
