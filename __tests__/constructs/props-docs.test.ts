/**
 * Props at aws-cdk's level: every property of every exported interface in constructs/ (the
 * props and the shapes they take) has a doc comment, an optional one says its default in an
 * `@default` tag, and the tag stands on its own line, where editors and readers look for it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..", "constructs");

interface Property {
  readonly where: string;
  readonly optional: boolean;
  /** The doc comment's text, `undefined` without one. */
  readonly doc?: string;
}

function propertiesOf(file: string): Property[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const properties: Property[] = [];
  const visit = (node: ts.Node, owner: string) => {
    if (ts.isInterfaceDeclaration(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member)) continue;
        const name = `${file}: ${node.name.text}.${member.name.getText(source)}`;
        const comment = ts
          .getLeadingCommentRanges(text, member.getFullStart())
          ?.filter((range) => text.slice(range.pos, range.pos + 3) === "/**")
          .at(-1);
        properties.push({
          where: name,
          optional: member.questionToken !== undefined,
          doc: comment === undefined ? undefined : text.slice(comment.pos, comment.end),
        });
      }
    }
    ts.forEachChild(node, (child) => visit(child, owner));
  };
  visit(source, file);
  return properties;
}

const properties = readdirSync(ROOT)
  .filter((file) => file.endsWith(".ts"))
  .sort()
  .flatMap(propertiesOf);

test("the constructs' interfaces are found (the check reads something)", () => {
  expect(properties.length).toBeGreaterThan(80);
  expect(properties.map(({ where }) => where)).toContain("api-function.ts: ApiFunctionProps.memorySize");
});

test("every property has a doc comment", () => {
  expect(properties.filter(({ doc }) => doc === undefined).map(({ where }) => where)).toEqual([]);
});

test("every optional property says its default with @default", () => {
  expect(properties.filter(({ optional, doc }) => optional && !doc?.includes("@default")).map(({ where }) => where)).toEqual([]);
});

test("@default stands on its own line of the comment", () => {
  const inline = properties.filter(({ doc }) =>
    doc?.split("\n").some((line) => /\S.*@default/.test(line.replace(/^\s*(\/\*\*|\*)\s*/, ""))),
  );
  expect(inline.map(({ where }) => where)).toEqual([]);
});
