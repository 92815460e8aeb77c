import type { ConnectJob, ConnectWorkerInvoker } from '../../core/shared/ports';
import { type LambdaApi, lambdaApi } from '../aws/lambda-api';

/** Starts the connect worker with an asynchronous (Event) invoke: a login may take minutes. */
export class LambdaConnectInvoker implements ConnectWorkerInvoker {
  constructor(
    private readonly functionName: string,
    private readonly lambda: LambdaApi = lambdaApi(),
  ) {}

  async start(job: ConnectJob): Promise<void> {
    await this.lambda.invoke({ FunctionName: this.functionName, InvocationType: 'Event', Payload: JSON.stringify(job) });
  }
}
