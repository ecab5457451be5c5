import { existsSync } from "node:fs";
import { TERRAFORM_UNAVAILABLE } from "./paths";

/**
 * `describe` for tests that read terraform's results. Off only on a developer machine
 * without terraform; under `CI` the global setup fails instead.
 */
export const describeWithTerraform: jest.Describe = existsSync(TERRAFORM_UNAVAILABLE) ? describe.skip : describe;
