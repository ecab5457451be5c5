/** The environment every terraform command of the project runs with (tools/terraform/toolchain.ts). */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AWS_PROVIDER_VERSION, prepareToolchain, TERRAFORM_GOGC } from "../../../tools/terraform/toolchain";

let scratch: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "toolchain-"));
  const terraform = join(scratch, "bin", "terraform");
  mkdirSync(join(scratch, "bin"));
  writeFileSync(terraform, "#!/bin/sh\n");
  chmodSync(terraform, 0o755);
  const mirror = join(scratch, "mirror");
  mkdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION), { recursive: true });
  env = { TERRAFORM_BIN: terraform, TF_PROVIDER_MIRROR: mirror, TF_CLI_ARGS: "-no-color", PATH: "/usr/bin" };
});

test("terraform and the providers it starts get GOGC=400, no checkpoint calls, no prompts and no TF_CLI_ARGS", () => {
  const toolchain = prepareToolchain(join(scratch, "work"), env)!;
  expect(TERRAFORM_GOGC).toBe("400");
  expect(toolchain.env).toMatchObject({ GOGC: "400", CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  expect(toolchain.env).not.toHaveProperty("TF_CLI_ARGS");
});

test.each(["100", "off"])("a GOGC the caller sets (%s) is kept", (gogc) => {
  expect(prepareToolchain(join(scratch, "work"), { ...env, GOGC: gogc })!.env.GOGC).toBe(gogc);
});

test("with a mirror, the CLI config installs the AWS provider from it and nothing else from the registry", () => {
  const toolchain = prepareToolchain(join(scratch, "work"), env)!;
  expect(toolchain.mirror).toBe(env.TF_PROVIDER_MIRROR);
  const config = readFileSync(toolchain.env.TF_CLI_CONFIG_FILE!, "utf8");
  expect(config).toContain(`path    = ${JSON.stringify(env.TF_PROVIDER_MIRROR)}`);
  expect(config).toContain('exclude = ["registry.terraform.io/hashicorp/aws"]');
});

test("no terraform binary: undefined", () => {
  expect(prepareToolchain(join(scratch, "work"), { ...env, TERRAFORM_BIN: join(scratch, "none") })).toBeUndefined();
});
