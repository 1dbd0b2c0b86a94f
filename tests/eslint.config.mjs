/**
 * Lint for app/, db/ and tests/ (run from the repository root: `npm run lint`). Besides the usual
 * TypeScript, React hooks and accessibility rules it encodes the layering of ARCHITECTURE.md:
 *   - routes do not import values from `@db/schema` (modules export what the UI needs);
 *   - modules do not import `~/components`;
 *   - components do not import values from `*.server` files (type imports are fine);
 *   - domain folders import one way only, in the order of DOMAIN_ORDER: a domain may import the
 *     domains before it, never one after it, so no cycle between domains can form.
 */
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Lower first. `learning` (check-in, attendance, records) sits below `enrollment`, whose no-show
 * policy reads attendance; `scheduling` calls enrolment when a run changes; `community` builds on
 * all of them; `stats` and `ops` read everything. */
export const DOMAIN_ORDER = [
  "auth",
  "org",
  "catalog",
  "learning",
  "enrollment",
  "scheduling",
  "community",
  "stats",
  "ops",
];

const restricted = (patterns) => ["error", { patterns }];

/** The rule for files of `domain`: every domain after it is off limits (values; types may cross). */
function domainRule(domain) {
  const later = DOMAIN_ORDER.slice(DOMAIN_ORDER.indexOf(domain) + 1);
  return {
    files: [`app/modules/${domain}/**/*.{ts,tsx}`],
    rules: {
      "@typescript-eslint/no-restricted-imports": restricted([
        {
          group: ["~/components", "~/components/*"],
          message: "Modules do not import components: put shared helpers in app/utils.",
        },
        ...(later.length
          ? [
              {
                group: later.flatMap((d) => [`~/modules/${d}/*`, `../${d}/*`]),
                allowTypeImports: true,
                message: `Domains import one way (${DOMAIN_ORDER.join(" < ")}): ${domain} may not import a later domain. Move the shared part down or let the later domain call this one.`,
              },
            ]
          : []),
      ]),
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      "node_modules/**",
      "tests/.tmp/**",
      "tests/bench/fixture/**",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "none",
          ignoreRestSiblings: true,
        },
      ],
      // Non-null assertions are how this codebase says "the row exists" after a check or a FK.
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...jsxA11y.flatConfigs.recommended.rules,
      // A scrollable table is a labelled region that takes focus, so keyboard users can scroll it.
      "jsx-a11y/no-noninteractive-tabindex": ["error", { roles: ["tabpanel", "region"], tags: [] }],
    },
  },
  {
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restricted([
        {
          group: ["@db/schema", "@db/schema/*"],
          allowTypeImports: true,
          message: "Routes take constants from their module, not from the schema.",
        },
      ]),
    },
  },
  {
    files: ["app/components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restricted([
        {
          group: ["**/*.server", "@db/*"],
          allowTypeImports: true,
          message:
            "Components run in the browser: import types only from server files and the database.",
        },
      ]),
    },
  },
  ...DOMAIN_ORDER.map(domainRule),
);
