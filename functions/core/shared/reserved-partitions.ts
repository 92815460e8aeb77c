/**
 * Partition keys of the data table that start with this belong to the service (the Garmin
 * guard state, the rate-limit logs). A user id (the JWT subject) never does: the API
 * refuses such subjects (handlers/commons/http.ts).
 */
export const RESERVED_PARTITION_PREFIX = '__';

export const isReservedPartition = (partitionKey: string): boolean => partitionKey.startsWith(RESERVED_PARTITION_PREFIX);
