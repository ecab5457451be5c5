/**
 * The app bundle that `npm run synth` runs: built once, reused while nothing it is made of
 * changed, rebuilt when anything did (a source, the resolution files, npm's tree, the bundle
 * itself), and never recorded as current when a file changed while esbuild ran.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// Plain CommonJS (tools/run-app.mjs loads it before anything compiles TypeScript).
const { ensureAppBundle, EXTERNAL_PACKAGES } = require("../../tools/app-bundle.cjs") as {
  ensureAppBundle: (params: {
    root: string;
    entry: string;
    outfile: string;
    clockSlackMs?: number;
    external?: readonly string[];
    banner?: string;
    identity?: string;
    afterBuild?: (bundlePath: string) => string[];
  }) => { path: string; built: boolean };
  EXTERNAL_PACKAGES: string[];
};

const PROJECT_ROOT = resolve(__dirname, "..", "..");
let root: string;

/** A tiny project: main.ts prints what lib/greeting.ts exports. */
function writeProject(greeting = "hello"): void {
  mkdirSync(join(root, "lib"), { recursive: true });
  writeFileSync(join(root, "main.ts"), 'import { greeting } from "./lib/greeting";\nconsole.log(greeting);\n');
  writeFileSync(join(root, "lib", "greeting.ts"), `export const greeting: string = "${greeting}";\n`);
}

/** `clockSlackMs: 0`: the files were written before the build, just not seconds before. */
const ensure = (clockSlackMs = 0) => ensureAppBundle({ root, entry: "main.ts", outfile: "dist/app.cjs", clockSlackMs });
const runBundle = () => spawnSync(process.execPath, [join(root, "dist", "app.cjs")], { encoding: "utf8" }).stdout.trim();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "app-bundle-test-"));
  writeProject();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

test("builds the bundle once, then reuses it", () => {
  expect(ensure()).toEqual({ path: join(root, "dist", "app.cjs"), built: true });
  expect(runBundle()).toBe("hello");
  expect(ensure().built).toBe(false);
  expect(ensure().built).toBe(false);
});

test("rebuilds when a source changes, and runs the new code", () => {
  ensure();
  writeProject("bonjour");
  expect(ensure().built).toBe(true);
  expect(runBundle()).toBe("bonjour");
  expect(ensure().built).toBe(false);
});

test("rebuilds when a file that steers resolution appears or changes", () => {
  ensure();
  writeFileSync(join(root, "tsconfig.json"), "{}\n");
  expect(ensure().built).toBe(true);
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "node_modules", ".package-lock.json"), '{"lockfileVersion":3}\n');
  expect(ensure().built).toBe(true);
  expect(ensure().built).toBe(false);
});

test("rebuilds a bundle that was edited by hand", () => {
  ensure();
  writeFileSync(join(root, "dist", "app.cjs"), 'console.log("edited");\n');
  expect(ensure().built).toBe(true);
  expect(runBundle()).toBe("hello");
});

test("rebuilds when the record is missing or unreadable", () => {
  ensure();
  rmSync(join(root, "dist", "app.cjs.inputs.json"));
  expect(ensure().built).toBe(true);
  writeFileSync(join(root, "dist", "app.cjs.inputs.json"), "{ not json");
  expect(ensure().built).toBe(true);
  writeFileSync(join(root, "dist", "app.cjs.inputs.json"), '{"inputs": "main.ts"}');
  expect(ensure().built).toBe(true);
  expect(ensure().built).toBe(false);
});

test("leaves no record when a file changed too close to the build, so the next run builds again", () => {
  // The files were written a moment ago: within a 60 s slack, esbuild may have read either version.
  expect(ensure(60_000).built).toBe(true);
  expect(ensure(60_000).built).toBe(true);
  expect(ensure(0).built).toBe(true);
  expect(ensure(0).built).toBe(false);
});

describe("a file made from the bundle (afterBuild), as the start-up snapshot is", () => {
  /** Copies the bundle to dist/made.txt; counts the builds. */
  let made: number;
  const madePath = () => join(root, "dist", "made.txt");
  const ensureMade = (identity = "node-a") =>
    ensureAppBundle({
      root,
      entry: "main.ts",
      outfile: "dist/app.cjs",
      clockSlackMs: 0,
      identity,
      banner: "// banner",
      afterBuild: (bundlePath) => {
        made += 1;
        writeFileSync(madePath(), readFileSync(bundlePath));
        return [madePath()];
      },
    });

  beforeEach(() => {
    made = 0;
  });

  test("is made with the bundle and reused with it; the banner comes first", () => {
    expect(ensureMade().built).toBe(true);
    expect(ensureMade().built).toBe(false);
    expect(made).toBe(1);
    expect(readFileSync(madePath(), "utf8").startsWith("// banner\n")).toBe(true);
  });

  test("is made again when it is deleted or changed, or when the identity changes", () => {
    ensureMade();
    rmSync(madePath());
    expect(ensureMade().built).toBe(true);
    writeFileSync(madePath(), "edited");
    expect(ensureMade().built).toBe(true);
    expect(ensureMade("node-b").built).toBe(true);
    expect(ensureMade("node-b").built).toBe(false);
    expect(made).toBe(4);
  });

  test("leaves no record when making it fails, so the next run tries again", () => {
    ensureMade();
    writeProject("bonjour");
    const failing = () =>
      ensureAppBundle({
        root,
        entry: "main.ts",
        outfile: "dist/app.cjs",
        clockSlackMs: 0,
        identity: "node-a",
        banner: "// banner",
        afterBuild: () => {
          throw new Error("no snapshot here");
        },
      });
    expect(failing).toThrow("no snapshot here");
    expect(existsSync(join(root, "dist", "app.cjs.inputs.json"))).toBe(false);
    expect(ensureMade().built).toBe(true);
  });
});

test("the project's app bundle inlines zod and the provider but leaves cdktf, constructs and esbuild to Node", () => {
  const outDir = mkdtempSync(join(tmpdir(), "app-bundle-project-"));
  try {
    const { path } = ensureAppBundle({ root: PROJECT_ROOT, entry: "main.ts", outfile: join(outDir, "app.cjs"), clockSlackMs: 0 });
    const code = readFileSync(path, "utf8");
    expect(EXTERNAL_PACKAGES).toEqual(["cdktf", "constructs", "esbuild"]);
    expect(code).toContain('require("cdktf")');
    expect(code).toContain('require("constructs")');
    expect(code).not.toMatch(/require\("zod/);
    expect(code).not.toMatch(/require\("@cdktf\/provider-aws/);
    expect(code).toContain("// node_modules/zod/");
    expect(code).toContain("//# sourceMappingURL=app.cjs.map");
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
