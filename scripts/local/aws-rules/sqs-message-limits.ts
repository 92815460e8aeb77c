/**
 * SQS's message size quota, which moto does not check at today's figure: a message counts
 * its body plus each attribute's name, type and value; one SendMessageBatch may carry that
 * much in total. Refused as SQS refuses it.
 */
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import { awsClientError } from './aws-errors';

interface MessageAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

interface Message {
  MessageBody?: string;
  MessageAttributes?: Record<string, MessageAttribute>;
}

const bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

export const messageBytes = (message: Message): number =>
  bytes(message.MessageBody) +
  Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, a]) => sum + bytes(name) + bytes(a.DataType) + bytes(a.StringValue) + (a.BinaryValue?.byteLength ?? 0),
    0,
  );

const limit = AWS_LIMITS.sqsMessageBytes;

const tooLong = (): Error =>
  awsClientError('sqs', 'InvalidParameterValue', 400, `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);

/** Throws what SQS answers when a SendMessage or SendMessageBatch is over the quota. */
export const checkSqsMessageSize = (operation: string, input: Record<string, unknown>): void => {
  if (operation === 'SendMessage') {
    if (messageBytes(input as Message) > limit) throw tooLong();
    return;
  }
  if (operation !== 'SendMessageBatch') return;
  const sizes = ((input.Entries ?? []) as Message[]).map(messageBytes);
  if (sizes.some((size) => size > limit)) throw tooLong();
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > limit) {
    throw awsClientError('sqs', 'BatchRequestTooLong', 400, `Batch requests cannot be longer than ${limit} bytes. You have sent ${total} bytes.`);
  }
};
