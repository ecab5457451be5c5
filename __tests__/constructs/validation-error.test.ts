/**
 * Construct errors name the construct (constructs/validation-error.ts): the message starts with
 * its path, so a failed synth says which construct of which stack refused what.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ValidationError } from "../../constructs/validation-error";

test("the message starts with the construct's path; the path is kept on the error", () => {
  const stack = new TerraformStack(new App({ outdir: "unused" }), "tickets");
  const error = new ValidationError("regions needs at least two regions", new Construct(stack, "failover-dns"));
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe("ValidationError");
  expect(error.message).toBe("tickets/failover-dns: regions needs at least two regions");
  expect(error.constructPath).toBe("tickets/failover-dns");
});

test.each(["constructs", "stacks"])("%s/ throws no plain Error: every refusal names its construct", (folder) => {
  const root = join(__dirname, "..", "..", folder);
  const plain = readdirSync(root)
    .filter((file) => file.endsWith(".ts"))
    .filter((file) => /throw new Error\(/.test(readFileSync(join(root, file), "utf8")));
  expect(plain).toEqual([]);
});
