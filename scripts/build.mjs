// Bundles the entry points with esbuild; types are checked separately by `tsc -b`.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['server/src/cli/apparmor-lint.ts'],
  outfile: 'dist/apparmor-lint.js',
  format: 'cjs',
});
