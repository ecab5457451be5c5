/**
 * LambdaBundles runs esbuild once for the file (the handlers share one build) into a
 * temporary folder: no test writes into the project.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { unzipSync } from "fflate";
import { BUNDLE_HANDLER, HANDLER_NAMES, type HandlerName } from "../../contract/handlers";
import { LambdaBundles, type LambdaBundle } from "../../constructs/lambda-bundles";
import { exposedValue, exposeValue, synthScope } from "../support/construct";

const temporaryDirs: string[] = [];
const temporaryDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
};
afterAll(() => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const base64Sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("base64");

describe("LambdaBundles", () => {
  const buildDir = temporaryDir("lambda-bundles-test-");
  let bundles: Readonly<Record<HandlerName, LambdaBundle>> | undefined;
  const { json } = synthScope((scope) => {
    bundles = new LambdaBundles(scope, "bundles", { buildDir }).bundles;
    exposeValue(scope, "bundles", bundles);
  });
  const zipOf = (handler: HandlerName) => readFileSync(join(buildDir, `${handler}.zip`));

  test("builds one zip per handler into the build folder, beside the record that lets a later synth skip esbuild", () => {
    expect(Object.keys(bundles!)).toEqual(HANDLER_NAMES);
    expect(readdirSync(buildDir).sort()).toEqual(
      ["bundle-cache.json", ...HANDLER_NAMES.map((handler) => `${handler}.zip`)].sort(),
    );
  });

  test.each(HANDLER_NAMES)("%s: the source code hash is the zip's base64 SHA-256 (what filebase64sha256 gives)", (handler) => {
    expect(bundles![handler].sourceCodeHash).toBe(base64Sha256(zipOf(handler)));
  });

  test("each handler has its own code", () => {
    expect(new Set(HANDLER_NAMES.map((handler) => bundles![handler].sourceCodeHash)).size).toBe(HANDLER_NAMES.length);
  });

  test.each(HANDLER_NAMES)("%s: the zip holds the file that the functions' handler setting names", (handler) => {
    const [file] = BUNDLE_HANDLER.split(".");
    expect(Object.keys(unzipSync(zipOf(handler)))).toEqual([`${file}.mjs`]);
  });

  test.each(HANDLER_NAMES)(
    "%s: the filename is an asset path inside the synthesized stack, named after the handler",
    (handler) => {
      const { filename, sourceCodeHash } = exposedValue(json, "bundles")[handler];
      expect(filename).toMatch(new RegExp(`^assets/[^/]+/[0-9A-F]+/${handler}\\.zip$`));
      expect(filename).toBe(bundles![handler].filename);
      expect(sourceCodeHash).toBe(bundles![handler].sourceCodeHash);
    },
  );

  test("a synth copies every zip to its filename, relative to the stack's folder", () => {
    const app = Testing.app({ outdir: temporaryDir("lambda-bundles-synth-") });
    const stack = new TerraformStack(app, "stack");
    const { bundles: synthesized } = new LambdaBundles(stack, "bundles", { buildDir });
    app.synth();
    for (const handler of HANDLER_NAMES) {
      expect(readFileSync(join(app.outdir, "stacks", "stack", synthesized[handler].filename)).equals(zipOf(handler))).toBe(true);
    }
  });
});
