// typescript-eslint's recommended rules over every TypeScript file of ours; formatting is
// prettier's job (`npm run lint` runs both, and dependency-cruiser for the layering).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".cache/", "coverage/", "bench/baseline/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
    rules: {
      // Terraform JSON is untyped by nature; tests and the module builder read it as `any` on purpose.
      "@typescript-eslint/no-explicit-any": "off",
      // Optional dependencies are required lazily where their import is the cold start being modelled.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  { files: ["**/*.cjs", "jest.config.js"], languageOptions: { sourceType: "commonjs" } },
  {
    // Units a newcomer can hold in their head, in product code and tools (tests are exempt: a
    // table of cases reads best as one long function). An exception is disabled inline, with
    // its reason. Classes stay under 250 lines: __tests__/class-size.test.ts.
    ignores: ["__tests__/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
      complexity: ["error", 15],
    },
  },
);
