// ESLint for the pages' scripts (ES modules in the browser); the vendored libraries are not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/vendor/**", "node_modules/**", ".venv/**", "build/**", "test-artifacts/**"] },
  js.configs.recommended,
  {
    files: ["server/static/**/*.js", "kiosk/static/**/*.js", "display/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: { "no-var": "error", "prefer-const": "error" },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
