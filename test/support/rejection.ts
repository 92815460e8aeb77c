import { expect } from 'vitest';

/** What `promise` rejected with, asserted to be an `ErrorClass` (a resolved promise fails the test). */
export const rejectionOf = async <E extends Error>(promise: Promise<unknown>, ErrorClass: abstract new (...args: never[]) => E): Promise<E> => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a rejection with ${ErrorClass.name}`).toBeInstanceOf(ErrorClass);
  return error as E;
};
