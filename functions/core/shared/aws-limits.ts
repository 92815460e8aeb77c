/**
 * The AWS quotas this backend lives within, in one place: the infrastructure sizes against
 * them and the local runtime enforces them (scripts/local/aws-rules), so a payload or a
 * wait that would fail deployed fails locally too. Hard quotas only; none can be raised.
 *
 * Lambda's documentation uses "MB" for MiB ("Lambda quotas" page: "MB (rather than MiB)
 * to refer to 1024 KB"); SQS says "1 MiB or 1,048,576 bytes".
 */
const MIB = 1024 * 1024;

export const AWS_LIMITS = {
  /**
   * Lambda "Invocation payload (request and response)": 6 MB each for synchronous invokes
   * (Lambda quotas; API reference "Invoke"). A larger request is refused with
   * RequestEntityTooLargeException; a larger response becomes a function error.
   */
  lambdaSyncPayloadBytes: 6 * MIB,
  /**
   * Lambda asynchronous (Event) invoke payload: 1 MB since October 2025, up from 256 KB
   * (API reference "Invoke": "For asynchronous invocations, the maximum payload size is
   * 1 MB"; AWS Compute Blog "serverless services now support payloads up to 1 MB").
   */
  lambdaAsyncPayloadBytes: 1 * MIB,
  /**
   * Amazon SQS message size, and the total of one SendMessageBatch: 1 MiB since 2025,
   * up from 256 KiB ("Amazon SQS message quotas"; SendMessage MessageBody: "The
   * maximum size is 1 MiB or 1,048,576 bytes").
   */
  sqsMessageBytes: 1 * MIB,
  /** API Gateway "Quotas for configuring and running an HTTP API": maximum integration timeout 30 seconds. */
  httpApiIntegrationTimeoutSeconds: 30,
  /** API Gateway "Quotas for configuring and running an HTTP API": payload size 10 MB. */
  httpApiPayloadBytes: 10 * MIB,
  /**
   * API Gateway "Quotas for configuring and running an HTTP API": total combined size of
   * request line and header values 10,240 bytes.
   */
  httpApiRequestLineAndHeadersBytes: 10_240,
  /** Lambda quotas, "Function timeout": 900 seconds (15 minutes). */
  lambdaMaxTimeoutSeconds: 900,
} as const;
