import type { IConstruct } from "constructs";

/**
 * A construct refused its props or a call: the message starts with the construct's path
 * (`tickets/failover-dns: regions needs at least two regions`), so the error says which
 * construct of which stack, as aws-cdk's `ValidationError(message, this)` does.
 */
export class ValidationError extends Error {
  /** The path of the construct that refused, e.g. `tickets/global-table`. */
  readonly constructPath: string;

  constructor(message: string, construct: IConstruct) {
    super(`${construct.node.path}: ${message}`);
    this.name = "ValidationError";
    this.constructPath = construct.node.path;
  }
}
