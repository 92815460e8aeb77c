/** Recognising DynamoDB's expected failures, which the stores turn into answers. */

/** By name, not instanceof: a second copy of the SDK in a bundle has its own classes. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
