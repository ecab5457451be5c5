/**
 * The release archive: checked with the system's `tar` (an independent reader) and by bytes.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { tarOf, TARBALL_MTIME, writeTarball } from "../../../tools/build-module/tarball";

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "tarball-test-"));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const LONG_DIR = `assets/${"d".repeat(60)}/${"e".repeat(60)}`;

/** The same files, written in the given order, with the given mtime and file mode. */
function moduleFolder(name: string, order: "forward" | "backward", mtime: Date, mode: number): string {
  const dir = join(scratch, name);
  const files: [string, string][] = [
    ["main.tf.json", '{"resource":{}}\n'],
    ["README.md", "# module\n"],
    [`${LONG_DIR}/handler.zip`, "zip bytes ".repeat(100)],
    ["assets/b/other.zip", ""],
  ];
  for (const [path, content] of order === "forward" ? files : [...files].reverse()) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
    chmodSync(join(dir, path), mode);
    utimesSync(join(dir, path), mtime, mtime);
  }
  return dir;
}

const tar = (...args: string[]) => spawnSync("tar", args, { encoding: "utf8" });

describe("module release archive", () => {
  test("tar lists every folder and file, sorted, at the root, owned by 0/0, mode 644/755, dated 1980-01-01", () => {
    const archive = writeTarball(moduleFolder("module", "forward", new Date(), 0o600), join(scratch, "module.tgz"));
    const listing = tar("--numeric-owner", "--utc", "-tvzf", archive.path);
    expect(listing.status).toBe(0);
    const entries = listing.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/));
    expect(entries.map((fields) => fields.at(-1))).toEqual([
      "README.md",
      "assets/",
      "assets/b/",
      "assets/b/other.zip",
      `assets/${"d".repeat(60)}/`,
      `${LONG_DIR}/`,
      `${LONG_DIR}/handler.zip`,
      "main.tf.json",
    ]);
    for (const [mode, owner, , date, time, path] of entries) {
      expect({ path, mode, owner, date, time }).toEqual({
        path,
        mode: path!.endsWith("/") ? "drwxr-xr-x" : "-rw-r--r--",
        owner: "0/0",
        date: "1980-01-01",
        time: "00:00",
      });
    }
    expect(new Date(TARBALL_MTIME * 1000).toISOString()).toBe("1980-01-01T00:00:00.000Z");
  });

  test("tar extracts the same bytes, a path over 100 bytes included (ustar prefix)", () => {
    const source = moduleFolder("module", "forward", new Date(), 0o644);
    const archive = writeTarball(source, join(scratch, "module.tgz"));
    const target = join(scratch, "extracted");
    mkdirSync(target);
    expect(tar("-xzf", archive.path, "-C", target).status).toBe(0);
    expect(`${LONG_DIR}/handler.zip`.length).toBeGreaterThan(100);
    for (const path of ["main.tf.json", "README.md", `${LONG_DIR}/handler.zip`, "assets/b/other.zip"]) {
      expect(readFileSync(join(target, path)).equals(readFileSync(join(source, path)))).toBe(true);
    }
  });

  test("the same files give the same bytes, whatever their mtimes, modes and creation order", () => {
    const first = writeTarball(moduleFolder("a", "forward", new Date("2020-05-01T10:00:00Z"), 0o644), join(scratch, "a.tgz"));
    const second = writeTarball(moduleFolder("b", "backward", new Date("2026-11-27T18:00:00Z"), 0o664), join(scratch, "b.tgz"));
    expect(readFileSync(second.path).equals(readFileSync(first.path))).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(second.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("the gzip header carries no timestamp", () => {
    const archive = readFileSync(writeTarball(moduleFolder("module", "forward", new Date(), 0o644), join(scratch, "m.tgz")).path);
    expect([...archive.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]);
    expect(archive.readUInt32LE(4)).toBe(0);
    expect(Buffer.from(gunzipSync(archive)).equals(Buffer.from(tarOf(join(scratch, "module"))))).toBe(true);
  });

  test("a different byte in one file gives a different archive", () => {
    const dir = moduleFolder("module", "forward", new Date(), 0o644);
    const before = writeTarball(dir, join(scratch, "before.tgz")).sha256;
    writeFileSync(join(dir, "README.md"), "# module!\n");
    expect(writeTarball(dir, join(scratch, "after.tgz")).sha256).not.toBe(before);
  });

  test("a symbolic link is refused (the archive holds files, not links out of the module)", () => {
    const dir = moduleFolder("module", "forward", new Date(), 0o644);
    symlinkSync("/etc/hostname", join(dir, "link"));
    expect(() => tarOf(dir)).toThrow(`${join(dir, "link")}: only regular files and folders go into the module archive`);
  });

  test("a path that no ustar split can hold is refused, naming it", () => {
    const dir = join(scratch, "deep");
    const name = "n".repeat(101);
    mkdirSync(dir);
    writeFileSync(join(dir, name), "x");
    expect(() => tarOf(dir)).toThrow(`${name}: path too long for a ustar archive`);
  });
});
