/** Recognising DynamoDB's expected failures, which the stores turn into answers. */

/** By name, not instanceof: a second copy of the SDK in a bundle has its own classes. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A transaction refused because one of its conditions failed (not a transient conflict, which is retried by the caller). */
export const isTransactionConditionFailed = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'TransactionCanceledException' &&
  ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
