/** Conditional writes: DynamoDB refusing a write's condition is an answer, not a failure. */

/** By name, not instanceof: a second copy of the SDK in a bundle has its own classes. */
const isConditionalCheckFailed = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A transaction refused because one of its conditions failed (not a transient conflict, which is retried by the caller). */
const isTransactionConditionFailed = (error: unknown): error is Error =>
  error instanceof Error &&
  error.name === 'TransactionCanceledException' &&
  ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

export type ConditionalWrite<T> = { written: true; output: T } | { written: false; refusal: Error };

/**
 * Awaits a conditional write (or transaction): its output, or the refusal when a condition
 * failed, which holds the item as it was when the write asked for it
 * (ReturnValuesOnConditionCheckFailure). Any other failure is thrown.
 */
export const conditionally = async <T>(write: Promise<T>): Promise<ConditionalWrite<T>> => {
  try {
    return { written: true, output: await write };
  } catch (error) {
    if (isConditionalCheckFailed(error) || isTransactionConditionFailed(error)) return { written: false, refusal: error };
    throw error;
  }
};
