/**
 * A small well-formedness check for the generated SVG (no XML parser among the dependencies):
 * tags close in order, no attribute appears twice in a tag, text has no bare `<` or `&`.
 */
export function expectWellFormedXml(xml: string): void {
  const stack: string[] = [];
  for (const match of xml.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, closing, name, attributes, selfClosing] = match;
    const names = [...attributes!.matchAll(/([\w:-]+)="/g)].map((attribute) => attribute[1]);
    expect({ tag: name, duplicated: names.filter((attribute, index) => names.indexOf(attribute) !== index) }).toEqual({
      tag: name,
      duplicated: [],
    });
    if (selfClosing === "/") continue;
    if (closing === "/") expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  const text = xml.replace(/<[^>]*>/g, "");
  expect(text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
}
