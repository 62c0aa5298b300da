// ESLint's configuration for the JavaScript the package ships: the lab page's script
// (gradexplain/render/lab.js, and the functions the primitives table writes, which tests/test_lab.py lints
// as gradexplain/render/lab_functions.js). CI installs ESLint into .tools, as the README
// says, and tests/test_lab.py runs it on them. It imports nothing, so that it loads with ESLint
// from .tools and no node_modules here: the rules are ESLint's recommended ones, written out, and
// a few that keep a script embedded in other people's pages (a notebook) to itself.
const RECOMMENDED = [
  "constructor-super", "for-direction", "getter-return", "no-async-promise-executor", "no-case-declarations",
  "no-class-assign", "no-compare-neg-zero", "no-cond-assign", "no-const-assign", "no-constant-binary-expression",
  "no-constant-condition", "no-control-regex", "no-debugger", "no-delete-var", "no-dupe-args",
  "no-dupe-class-members", "no-dupe-else-if", "no-dupe-keys", "no-duplicate-case", "no-empty",
  "no-empty-character-class", "no-empty-pattern", "no-empty-static-block", "no-ex-assign", "no-extra-boolean-cast",
  "no-fallthrough", "no-func-assign", "no-global-assign", "no-import-assign", "no-invalid-regexp",
  "no-irregular-whitespace", "no-loss-of-precision", "no-misleading-character-class", "no-new-native-nonconstructor",
  "no-nonoctal-decimal-escape", "no-obj-calls", "no-octal", "no-prototype-builtins", "no-redeclare",
  "no-regex-spaces", "no-self-assign", "no-setter-return", "no-shadow-restricted-names", "no-sparse-arrays",
  "no-this-before-super", "no-unassigned-vars", "no-undef", "no-unexpected-multiline", "no-unreachable",
  "no-unsafe-finally", "no-unsafe-negation", "no-unsafe-optional-chaining", "no-unused-labels",
  "no-unused-private-class-members", "no-unused-vars", "no-useless-assignment", "no-useless-backreference",
  "no-useless-catch", "no-useless-escape", "no-with", "preserve-caught-error", "require-yield", "use-isnan",
  "valid-typeof",
];

export default [
  {
    files: ["gradexplain/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { document: "readonly" },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...Object.fromEntries(RECOMMENDED.map((rule) => [rule, "error"])),
      eqeqeq: "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-implicit-globals": "error",
      "no-shadow": "error",
      strict: ["error", "function"],
    },
  },
];
