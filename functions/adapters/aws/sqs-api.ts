/** SQS's SendMessageBatch over its JSON protocol (what the SDK's client speaks), signed by signed-call.ts. */
import type { SendMessageBatchRequest, SendMessageBatchResult } from '@aws-sdk/client-sqs';
import { type SignedCallOptions, signedCaller } from './signed-call';

/** The one SQS call the functions' queues make; the local runtime passes its guarded instance. */
export interface SqsApi {
  sendMessageBatch(input: SendMessageBatchRequest): Promise<SendMessageBatchResult>;
}

export const sqsApi = (options?: SignedCallOptions): SqsApi => {
  const call = signedCaller('sqs', options);
  return {
    sendMessageBatch: async (input) => {
      const answer = await call({
        operation: 'SendMessageBatch',
        input: { ...input },
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.SendMessageBatch',
        },
        body: JSON.stringify(input),
      });
      return JSON.parse(new TextDecoder().decode(answer.body)) as SendMessageBatchResult;
    },
  };
};

const SQS_BATCH = 10;

/** Sends the bodies in batches of ten (SQS's most); any entry refused fails the call, naming `what`. */
export const sendInBatches = async (
  sqs: SqsApi,
  queueUrl: string,
  entries: Array<{ body: string; delaySeconds?: number }>,
  what: string,
): Promise<void> => {
  for (let i = 0; i < entries.length; i += SQS_BATCH) {
    const batch = entries.slice(i, i + SQS_BATCH);
    const result = await sqs.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: batch.map(({ body, delaySeconds }, n) => ({
        Id: String(n),
        MessageBody: body,
        ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
      })),
    });
    if (result.Failed?.length) {
      throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} ${what} (${result.Failed[0]?.Code ?? 'unknown'})`);
    }
  }
};
