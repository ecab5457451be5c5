/**
 * Code a newcomer can change: in tools/drill no function is longer than 60 lines and no class
 * longer than 250, blank lines and comments not counted (STYLE.md, "Size and shape").
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../../../build/project-root";

const DRILL_DIR = join(PROJECT_ROOT, "tools", "drill");
export const MAX_FUNCTION_LINES = 60;
export const MAX_CLASS_LINES = 250;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Lines of `node` that hold code: neither blank nor only a comment. */
function codeLines(source: ts.SourceFile, node: ts.Node): number {
  const text = source.text.slice(node.getStart(source), node.getEnd());
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "));
  return withoutComments.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("//")).length;
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name !== undefined) return named.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText(source);
  }
  return `<anonymous at line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}>`;
}

interface Measure {
  readonly what: string;
  readonly lines: number;
  readonly limit: number;
}

function measure(file: string): Measure[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const measures: Measure[] = [];
  const visit = (node: ts.Node): void => {
    const where = () => `${relative(PROJECT_ROOT, file)}: ${nameOf(node, source)}`;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      measures.push({ what: `class ${where()}`, lines: codeLines(source, node), limit: MAX_CLASS_LINES });
    } else if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body !== undefined) {
      measures.push({ what: `function ${where()}`, lines: codeLines(source, node), limit: MAX_FUNCTION_LINES });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return measures;
}

const measures = sourceFiles(DRILL_DIR).flatMap(measure);

test("measures every function and class of tools/drill", () => {
  expect(measures.filter((entry) => entry.what.startsWith("class ")).length).toBeGreaterThan(3);
  expect(measures.length).toBeGreaterThan(100);
});

test(`no function longer than ${MAX_FUNCTION_LINES} lines, no class longer than ${MAX_CLASS_LINES}`, () => {
  expect(measures.filter((entry) => entry.lines > entry.limit).map((entry) => `${entry.what}: ${entry.lines} lines`)).toEqual([]);
});
