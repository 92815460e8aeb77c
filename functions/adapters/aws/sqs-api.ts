/** The SQS calls the functions make, over SQS's JSON protocol (what the SDK's client speaks), signed by signed-call.ts. */
import type {
  ChangeMessageVisibilityRequest,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
} from '@aws-sdk/client-sqs';
import { type SignedCallOptions, jsonCaller } from './signed-call';

/** The functions' SQS calls; the local runtime passes an instance guarded as the calling function. */
export interface SqsApi {
  sendMessageBatch(input: SendMessageBatchRequest): Promise<SendMessageBatchResult>;
  sendMessage(input: SendMessageRequest): Promise<SendMessageResult>;
  changeMessageVisibility(input: ChangeMessageVisibilityRequest): Promise<void>;
}

export const sqsApi = (options?: SignedCallOptions): SqsApi => {
  const call = jsonCaller('sqs', 'AmazonSQS', '1.0', options);
  // ChangeMessageVisibility answers with an empty body: `{}`.
  const json = (operation: string, input: object): Promise<unknown> => call(operation, { ...input });
  return {
    sendMessageBatch: async (input) => (await json('SendMessageBatch', input)) as SendMessageBatchResult,
    sendMessage: async (input) => (await json('SendMessage', input)) as SendMessageResult,
    changeMessageVisibility: async (input) => {
      await json('ChangeMessageVisibility', input);
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
