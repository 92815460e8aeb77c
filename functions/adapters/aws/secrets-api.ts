/** The Secrets Manager calls the functions make, over its JSON 1.1 protocol (what the SDK's client speaks), signed by signed-call.ts. */
import type {
  GetSecretValueRequest,
  GetSecretValueResponse,
  PutSecretValueRequest,
  PutSecretValueResponse,
} from '@aws-sdk/client-secrets-manager';
import { type SignedCallOptions, jsonCaller } from './signed-call';

/** The keyring's and the webhook signing secrets' reads, and the signing secrets' rotation; the local runtime passes a guarded instance. */
export interface SecretsApi {
  getSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse>;
  putSecretValue(input: PutSecretValueRequest): Promise<PutSecretValueResponse>;
}

export const secretsApi = (options?: SignedCallOptions): SecretsApi => {
  const call = jsonCaller('secretsmanager', 'secretsmanager', '1.1', options);
  const json = (operation: string, input: object): Promise<unknown> => call(operation, { ...input });
  return {
    getSecretValue: async (input) => (await json('GetSecretValue', input)) as GetSecretValueResponse,
    putSecretValue: async (input) => (await json('PutSecretValue', input)) as PutSecretValueResponse,
  };
};
