import { describe, expect, it } from 'vitest';
import { conditionally } from '../../../functions/adapters/dynamo/conditional-write';

const failure = (name: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...fields });

describe('conditionally', () => {
  it("gives the write's output when it was written", async () => {
    expect(await conditionally(Promise.resolve({ Attributes: { used: 3 } }))).toEqual({ written: true, output: { Attributes: { used: 3 } } });
  });

  it('answers a refused condition, by name, with the refusal and the item it carries', async () => {
    const refusal = failure('ConditionalCheckFailedException', { Item: { used: { N: '7' } } });
    expect(await conditionally(Promise.reject(refusal))).toEqual({ written: false, refusal });
  });

  it('answers a transaction cancelled by one of its conditions, and throws one cancelled for another reason', async () => {
    const cancelled = (codes: string[]) => failure('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });
    expect(await conditionally(Promise.reject(cancelled(['None', 'ConditionalCheckFailed'])))).toMatchObject({ written: false });
    await expect(conditionally(Promise.reject(cancelled(['TransactionConflict', 'None'])))).rejects.toThrow('TransactionCanceledException');
  });

  it('throws any other failure', async () => {
    await expect(conditionally(Promise.reject(failure('ProvisionedThroughputExceededException')))).rejects.toThrow('ProvisionedThroughputExceededException');
    await expect(conditionally(Promise.reject(new Error('network down')))).rejects.toThrow('network down');
  });
});
