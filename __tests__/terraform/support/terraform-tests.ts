import { existsSync } from "node:fs";
import { TERRAFORM_UNAVAILABLE } from "./paths";

/**
 * `describe` for tests that read terraform's results. Off only on a developer machine
 * without terraform (the block's body is not even run, since the results it would read don't
 * exist); under `CI` the global setup fails instead.
 */
export const describeWithTerraform = ((name: string, body: () => void) =>
  existsSync(TERRAFORM_UNAVAILABLE)
    ? describe.skip(`${name} (terraform not found)`, () => test("needs terraform", () => undefined))
    : describe(name, body)) as (name: string, body: () => void) => void;
