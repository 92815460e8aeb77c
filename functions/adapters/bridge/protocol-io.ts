/** Validation at both ends of every transport, with errors that name fields, not values. */
import type * as z from '../../core/shared/zod';
import { type BatchRequest, type BatchResponse, type BridgeRequest, type BridgeResponse, bridgeSchemas } from '../../core/shared/bridge-protocol';
import { BridgeTransportError, InvalidBridgeRequestError } from './errors';

// Field names only: they come from our schema (or are the unknown keys' names), never values.
const issuePaths = (error: z.core.$ZodError): string[] => {
  const paths = error.issues.flatMap((issue) =>
    (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map(
      (path) => path.map(String).join('.') || '(root)',
    ),
  );
  return [...new Set(paths)];
};

export const validateRequest = (request: unknown): BridgeRequest => {
  const parsed = bridgeSchemas().BridgeRequest.safeParse(request);
  if (!parsed.success) throw new InvalidBridgeRequestError(issuePaths(parsed.error));
  return parsed.data;
};

export const validateBatchRequest = (request: unknown): BatchRequest => {
  const parsed = bridgeSchemas().BatchRequest.safeParse(request);
  if (!parsed.success) throw new InvalidBridgeRequestError(issuePaths(parsed.error));
  return parsed.data;
};

export function validateResponse(payload: unknown, op: 'batch'): BatchResponse;
export function validateResponse(payload: unknown, op: BridgeRequest['op']): BridgeResponse;
export function validateResponse(payload: unknown, op: string): BridgeResponse | BatchResponse {
  const { BatchResponse, BridgeResponse } = bridgeSchemas();
  const parsed = (op === 'batch' ? BatchResponse : BridgeResponse).safeParse(payload);
  if (!parsed.success) {
    throw new BridgeTransportError('invalid-response', `bridge answered ${op} with an invalid response at: ${issuePaths(parsed.error).join(', ')}`);
  }
  return parsed.data;
}
