/**
 * The module folder as a release archive (`.tgz`) whose bytes depend only on the files'
 * paths and contents: entries sorted by path, every mtime, owner and mode fixed, gzip without
 * a timestamp (fflate, so the bytes don't depend on the Node version's zlib either). The
 * same build gives the same archive and the same checksum on any machine, so a release can
 * be verified by rebuilding it.
 *
 * Entries sit at the archive's root: Terraform's archive sources
 * (`s3::https://…/terraform-module-0.1.0.tgz`, `https://…tgz`) then find the module without a
 * `//subdir`.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "fflate";
import { byCodeUnits } from "../report-format";

const BLOCK = 512;
/** 1980-01-01T00:00:00Z, the Lambda zips' timestamp too: no tool calls it implausibly old. */
export const TARBALL_MTIME = 315_532_800;
const FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o755;

interface Entry {
  /** POSIX path relative to the archived folder; directories end with `/`. */
  readonly path: string;
  readonly content: Uint8Array | undefined;
}

/** Every directory and regular file under `dir`, sorted by path; anything else is refused. */
function entriesOf(dir: string, prefix = ""): Entry[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) return [{ path: `${prefix}${name}/`, content: undefined }, ...entriesOf(full, `${prefix}${name}/`)];
      if (stat.isFile()) return [{ path: `${prefix}${name}`, content: readFileSync(full) }];
      throw new Error(`${full}: only regular files and folders go into the module archive`);
    })
    .sort((a, b) => byCodeUnits(a.path, b.path));
}

function writeString(block: Uint8Array, offset: number, length: number, text: string, field: string, path: string): void {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > length)
    throw new Error(`${path}: ${field} is longer than ${length} bytes, which a ustar archive can't hold`);
  block.set(bytes, offset);
}

/** A numeric field: octal digits, zero-padded, NUL-terminated. */
const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, "0");

/** ustar splits a long path into a prefix (up to 155 bytes) and a name (up to 100). */
function splitPath(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ["", path];
  const slash = path.lastIndexOf("/", path.length - 2);
  for (let cut = slash; cut > 0; cut = path.lastIndexOf("/", cut - 1)) {
    const [prefix, name] = [path.slice(0, cut), path.slice(cut + 1)];
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`${path}: path too long for a ustar archive (prefix 155 + name 100 bytes)`);
}

function header(entry: Entry): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const [prefix, name] = splitPath(entry.path);
  const isDirectory = entry.content === undefined;
  writeString(block, 0, 100, name, "name", entry.path);
  writeString(block, 100, 8, octal(isDirectory ? DIRECTORY_MODE : FILE_MODE, 8), "mode", entry.path);
  writeString(block, 108, 8, octal(0, 8), "uid", entry.path);
  writeString(block, 116, 8, octal(0, 8), "gid", entry.path);
  writeString(block, 124, 12, octal(entry.content?.length ?? 0, 12), "size", entry.path);
  writeString(block, 136, 12, octal(TARBALL_MTIME, 12), "mtime", entry.path);
  block.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  block[156] = (isDirectory ? "5" : "0").charCodeAt(0);
  writeString(block, 257, 6, "ustar\0", "magic", entry.path);
  writeString(block, 263, 2, "00", "version", entry.path);
  writeString(block, 345, 155, prefix, "prefix", entry.path);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  writeString(block, 148, 8, `${octal(checksum, 7)}\0 `, "checksum", entry.path);
  return block;
}

/** The uncompressed ustar archive of `dir`'s files. */
export function tarOf(dir: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entriesOf(dir)) {
    parts.push(header(entry));
    if (entry.content !== undefined) {
      parts.push(entry.content);
      const padding = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
      if (padding > 0) parts.push(new Uint8Array(padding));
    }
  }
  parts.push(new Uint8Array(2 * BLOCK)); // end of archive
  return Buffer.concat(parts);
}

export interface Tarball {
  readonly path: string;
  readonly bytes: number;
  /** Hex SHA-256 of the archive, for release notes and `sha256sum -c`. */
  readonly sha256: string;
}

/** Writes `dir` as a deterministic `.tgz` to `file`. */
export function writeTarball(dir: string, file: string): Tarball {
  const archive = gzipSync(tarOf(dir), { level: 9, mtime: 0 });
  writeFileSync(file, archive);
  return { path: file, bytes: archive.length, sha256: createHash("sha256").update(archive).digest("hex") };
}
