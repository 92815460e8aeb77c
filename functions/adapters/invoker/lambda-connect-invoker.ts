import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ConnectJob, ConnectWorkerInvoker } from '../../core/shared/ports';

/** Starts the connect worker with an asynchronous (Event) invoke: a login may take minutes. */
export class LambdaConnectInvoker implements ConnectWorkerInvoker {
  constructor(
    private readonly functionName: string,
    private readonly lambda: LambdaClient = new LambdaClient({}),
  ) {}

  async start(job: ConnectJob): Promise<void> {
    await this.lambda.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: JSON.stringify(job) }),
    );
  }
}
