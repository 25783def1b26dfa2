// Bundles the entry points with esbuild; types are checked separately by `tsc -b`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// --production (for the .vsix): minified, without source maps.
const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: !production, minify: production, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['server/src/cli/apparmor-lint.ts'],
  outfile: 'dist/apparmor-lint-main.js',
  format: 'cjs',
  // APPARMOR_BUNDLE: the bundle's file stands for the parser's code (node/parseCache.ts).
  define: { APPARMOR_LINT_VERSION: JSON.stringify(version), APPARMOR_BUNDLE: 'true' },
});
// The command's entry: loads apparmor-lint-main.js above through V8's code cache.
await build({
  ...common,
  entryPoints: ['server/src/cli/launch.ts'],
  outfile: 'dist/apparmor-lint.js',
  format: 'cjs',
});

await build({
  ...common,
  entryPoints: ['server/src/node/serverMain.ts'],
  outfile: 'dist/server-main.js',
  format: 'cjs',
  define: { APPARMOR_BUNDLE: 'true' },
});
// The server's entry: loads server-main.js above through V8's code cache.
await build({
  ...common,
  entryPoints: ['server/src/node/launch.ts'],
  outfile: 'dist/apparmor-language-server.js',
  format: 'cjs',
});

// The VS Code extension: the client, which starts the server bundle above over node IPC.
await build({
  ...common,
  entryPoints: ['client/src/extension.ts'],
  outfile: 'dist/extension.js',
  format: 'cjs',
  external: ['vscode'],
  // The extension logs its activation time from here: loading the bundle is part of it.
  banner: { js: '"use strict";var __bundleStart = performance.now();' },
  footer: { js: 'var __bundleEnd = performance.now();' },
});
// vscode-languageclient on its own, loaded by the client when it starts the server.
await build({
  ...common,
  entryPoints: ['client/src/languageClient.ts'],
  outfile: 'dist/languageClient.js',
  format: 'cjs',
  external: ['vscode'],
});

// The same server for VS Code for the Web: a web worker, no file system.
await build({
  ...common,
  platform: 'browser',
  entryPoints: ['server/src/browser/serverMain.ts'],
  outfile: 'dist/browser/apparmor-language-server.js',
  format: 'iife',
});
