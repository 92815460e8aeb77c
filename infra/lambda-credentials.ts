/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (see bundling.ts): the credentials
 * Lambda puts in every function's environment, from its execution role. Nothing else of the
 * default chain (profiles, SSO, instance metadata) exists inside a Lambda function. The signed
 * calls of functions/adapters/aws take their credentials from it.
 */
export interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Same shape as the SDK's `defaultProvider(init)`: a factory of a credentials provider. */
export const defaultProvider =
  () =>
  async (): Promise<EnvCredentials> => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (a Lambda function always has them)');
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  };
