/**
 * Switching the module's `routing` input on a live deployment: Route 53 refuses a latency
 * record while failover records of the same name exist, so Terraform must delete one mode's
 * records before it creates the other's. This applies the module's own `api.<domain>` wiring
 * (each record's `count` and `depends_on`, read from the built module) to `terraform_data`
 * stand-ins that log when they are created and deleted, and switches the mode both ways.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findTerraform } from "../../tools/terraform/toolchain";
import { TEST_CACHE } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

const WORK_DIR = join(TEST_CACHE, "routing-switch");
const LOG = join(WORK_DIR, "events.log");
const RECORD = "aws_route53_record";
/** Long enough that a create running alongside a delete would log first. */
const DELETE_SECONDS = 2;

type Mode = "failover" | "active-active";

/** The module's records that exist in one mode only, with their `count` and the mode it selects. */
function modeRecords(): { name: string; count: string; mode: Mode; dependsOn: string[] }[] {
  const module = JSON.parse(readFileSync(join(TEST_CACHE, "module.json"), "utf8")) as Record<string, any>;
  return Object.entries<Record<string, any>>(module.resource[RECORD])
    .filter(([, record]) => typeof record.count === "string" && record.count.includes("var.routing"))
    .map(([name, record]) => ({
      name,
      count: record.count as string,
      mode: /var\.routing == "([a-z-]+)"/.exec(record.count)![1] as Mode,
      dependsOn: ((record.depends_on ?? []) as string[]).filter((address) => address.startsWith(`${RECORD}.`)),
    }));
}

/** The records as `terraform_data` with the same `count` and `depends_on`, logging their lifecycle. */
function standIns(records: ReturnType<typeof modeRecords>): object {
  const log = (event: string) => `echo ${event} >> ${LOG}`;
  return {
    variable: { routing: { type: "string" } },
    resource: {
      terraform_data: Object.fromEntries(
        records.map(({ name, count, dependsOn }) => [
          name,
          {
            count,
            depends_on: dependsOn.map((address) => address.replace(`${RECORD}.`, "terraform_data.")),
            provisioner: [
              { "local-exec": { command: log(`created ${name}`) } },
              { "local-exec": { when: "destroy", command: `sleep ${DELETE_SECONDS}; ${log(`deleted ${name}`)}` } },
            ],
          },
        ]),
      ),
    },
  };
}

function terraform(binary: string, args: string[]): void {
  const result = spawnSync(binary, args, {
    cwd: WORK_DIR,
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1", TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
}

/** What one apply to `mode` logged, in order. */
function switchTo(binary: string, mode: Mode): string[] {
  rmSync(LOG, { force: true });
  terraform(binary, ["apply", "-auto-approve", "-input=false", "-no-color", `-var=routing=${mode}`]);
  try {
    return readFileSync(LOG, "utf8").trim().split("\n");
  } catch {
    return [];
  }
}

describeWithTerraform("switching the module's routing on a live deployment", () => {
  const records = modeRecords();
  const named = (mode: Mode) => records.filter((record) => record.mode === mode).map((record) => record.name);
  let events: Record<"toActiveActive" | "backToFailover", string[]>;

  beforeAll(() => {
    const binary = findTerraform()!;
    rmSync(WORK_DIR, { recursive: true, force: true });
    mkdirSync(WORK_DIR, { recursive: true });
    writeFileSync(join(WORK_DIR, "main.tf.json"), JSON.stringify(standIns(records), null, 2));
    terraform(binary, ["init", "-input=false", "-no-color"]);
    switchTo(binary, "failover");
    events = { toActiveActive: switchTo(binary, "active-active"), backToFailover: switchTo(binary, "failover") };
  });

  test("the module has each mode's api records, one latency record per region", () => {
    expect(named("failover")).toHaveLength(2);
    expect(named("active-active")).toHaveLength(2);
  });

  test.each([
    ["failover to active-active", "toActiveActive", "failover", "active-active"],
    ["active-active back to failover", "backToFailover", "active-active", "failover"],
  ] as const)("%s: every old record is deleted before the first new one is created", (_case, run, from, to) => {
    const logged = events[run];
    expect([...logged].sort()).toEqual(
      [...named(from).map((n) => `deleted ${n}`), ...named(to).map((n) => `created ${n}`)].sort(),
    );
    const lastDelete = Math.max(...named(from).map((name) => logged.indexOf(`deleted ${name}`)));
    const firstCreate = Math.min(...named(to).map((name) => logged.indexOf(`created ${name}`)));
    expect(lastDelete).toBeLessThan(firstCreate);
  });
});
