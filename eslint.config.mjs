// `npm run lint`: typescript-eslint's strict type-checked rules over every TypeScript project,
// ESLint's recommended rules over the build scripts and the bin launchers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'performance', 'setTimeout', 'require', 'module', '__dirname'].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', '.e2e/', '.tools/', '.vm/', 'test/fixtures/', 'test/e2e/workspace/', '**/*.d.ts'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tsconfig has no noUncheckedIndexedAccess: `xs[i]!` marks a read the code knows is in bounds.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Same cause: the rule calls that `!` unnecessary, as the types (wrongly) never hold undefined there.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // The scanner compares charCodeAt() numbers with the const enum Ch of char codes by design.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      // Numbers in messages are the point of most messages; objects and undefined stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // As tsc's noUnusedParameters: a leading `_` marks a parameter the signature requires.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Regex groups and index reads can be undefined at run time though their types say not
      // (no noUncheckedIndexedAccess), so the `?? ''` and `?.` it calls unnecessary are needed.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Strings spread into arrays here are permission letters and ASCII words, split by code point on purpose.
      '@typescript-eslint/no-misused-spread': 'off',
      // `() => void f()` shorthand in callbacks reads as intended.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests read package.json, JSON output and page state untyped, then assert on their shape.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement async interfaces with answers they already have.
      '@typescript-eslint/require-await': 'off',
      // Tests unset environment variables (process.env, a child's env): only delete does that.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
  },
);
