/**
 * Code a newcomer can change: no class of the product code or the tools is longer than 250
 * lines, blank lines and comments not counted (issue 27). Tests are exempt. Functions are
 * ESLint's job (`max-lines-per-function` and `complexity` in eslint.config.mjs); ESLint has no
 * rule for the length of a class, so this test measures them.
 *
 * Classes are found by the TypeScript compiler (declarations and expressions, named or not, in
 * .ts and in the JavaScript files), and a line counts when a token of the class is on it: a
 * comment is trivia, not a token, and a template literal that spans lines counts each of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../bundling/project-root";

export const MAX_CLASS_LINES = 250;

/** The product code and the tools; the same folders as architecture.test.ts, and main.ts. */
const SOURCE = ["main.ts", "config", "contract", "bundling", "lambdas", "constructs", "stacks", "tools"];
const EXTENSIONS = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);

function sourceFiles(path: string): string[] {
  const entries = readdirSync(path, { withFileTypes: true });
  return entries.flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(child);
    return EXTENSIONS.has(extname(entry.name)) ? [child] : [];
  });
}

const files = SOURCE.flatMap((entry) =>
  extname(entry) === "" ? sourceFiles(join(PROJECT_ROOT, entry)) : [join(PROJECT_ROOT, entry)],
);

/** Lines that hold a token of `node` (a comment is trivia, not a token). */
export function codeLines(source: ts.SourceFile, node: ts.Node): number {
  const lines = new Set<number>();
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line;
  const visit = (child: ts.Node): void => {
    // The parser hangs JSDoc comments on the nodes they document: comments all the same.
    if (child.kind >= ts.SyntaxKind.FirstJSDocNode && child.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = child.getChildren(source);
    if (children.length > 0) return children.forEach(visit);
    if (child.kind === ts.SyntaxKind.EndOfFileToken) return;
    for (let line = lineOf(child.getStart(source)); line <= lineOf(child.getEnd()); line++) lines.add(line);
  };
  visit(node);
  return lines.size;
}

interface ClassSize {
  readonly name: string;
  readonly lines: number;
}

function classesOf(file: string): ClassSize[] {
  const kind = file.endsWith("ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true, kind);
  const classes: ClassSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const name = `${relative(PROJECT_ROOT, file)}:${line} class ${node.name?.text ?? "(anonymous)"}`;
      classes.push({ name, lines: codeLines(source, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return classes;
}

const classes = files.flatMap(classesOf);

test("finds the classes of every source folder", () => {
  const folders = new Set(classes.map(({ name }) => name.split("/")[0]));
  expect([...folders].sort()).toEqual(expect.arrayContaining(["constructs", "lambdas", "stacks", "tools"]));
  expect(classes.length).toBeGreaterThan(20);
});

test("counts code lines, not blank lines or comments", () => {
  const text = [
    "class Example {",
    "  // a comment",
    "",
    "  /* a block",
    "     comment */",
    "  /**",
    "   * A JSDoc comment.",
    "   */",
    '  readonly glob = "**/*.ts"; // a string is code',
    "  readonly text = `one",
    "two`;",
    "}",
  ].join("\n");
  const source = ts.createSourceFile("example.ts", text, ts.ScriptTarget.ES2022, true);
  expect(codeLines(source, source.statements[0]!)).toBe(5);
});

test(`no class longer than ${MAX_CLASS_LINES} lines`, () => {
  const tooLong = classes.filter(({ lines }) => lines > MAX_CLASS_LINES);
  expect(tooLong.map(({ name, lines }) => `${name}: ${lines} lines`)).toEqual([]);
});
