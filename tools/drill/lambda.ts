/**
 * The Lambda calls of the functions fault, over an injected SDK v3 client of the drilled
 * region (tests mock it with aws-sdk-client-mock). Reads: GetFunction, GetFunctionConcurrency.
 * Writes: TagResource and UntagResource (the marker), PutFunctionConcurrency and
 * DeleteFunctionConcurrency (the fault and its undoing).
 */
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { DRILL_MARKER_TAG } from "./targets";

/** The SDK commands that change something: a dry run sends none of them. */
export const LAMBDA_WRITE_COMMANDS = [
  TagResourceCommand,
  UntagResourceCommand,
  PutFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
] as const;

export interface FunctionState {
  readonly name: string;
  readonly arn: string;
  /** Reserved concurrency, or undefined for none (the function uses the account's unreserved pool). */
  readonly reserved: number | undefined;
  /** The drill marker's value, if the function carries it. */
  readonly marker: string | undefined;
}

export class DrillLambda {
  constructor(private readonly client: LambdaClient) {}

  async reservedConcurrency(name: string, signal?: AbortSignal): Promise<number | undefined> {
    const result = await this.client.send(new GetFunctionConcurrencyCommand({ FunctionName: name }), { abortSignal: signal });
    signal?.throwIfAborted();
    return result.ReservedConcurrentExecutions;
  }

  /** The function's ARN, marker and reserved concurrency (GetFunction, GetFunctionConcurrency). */
  async state(name: string, signal?: AbortSignal): Promise<FunctionState> {
    const result = await this.client.send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: signal });
    signal?.throwIfAborted();
    return {
      name,
      arn: result.Configuration?.FunctionArn ?? "",
      reserved: await this.reservedConcurrency(name, signal),
      marker: result.Tags?.[DRILL_MARKER_TAG],
    };
  }

  async setMarker(arn: string, drillId: string): Promise<void> {
    await this.client.send(new TagResourceCommand({ Resource: arn, Tags: { [DRILL_MARKER_TAG]: drillId } }));
  }

  async removeMarker(arn: string): Promise<void> {
    await this.client.send(new UntagResourceCommand({ Resource: arn, TagKeys: [DRILL_MARKER_TAG] }));
  }

  /** Sets the reservation, or with `undefined` removes it (DeleteFunctionConcurrency). */
  async setReservedConcurrency(name: string, reserved: number | undefined): Promise<void> {
    if (reserved === undefined) await this.client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    else
      await this.client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: reserved }));
  }
}
