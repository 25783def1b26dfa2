// Writes syntaxes/apparmor.tmLanguage.json from the grammar source compiled by `tsc -b`
// (syntaxes/src/apparmor.grammar.ts). The JSON is a build output and is not committed.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { grammar } = require('../out/syntaxes/src/apparmor.grammar.js');
const target = new URL('../syntaxes/apparmor.tmLanguage.json', import.meta.url);
const notice = ['Generated from syntaxes/src/*.ts by scripts/build-grammar.mjs: edit the sources, not this file.'];
writeFileSync(target, JSON.stringify({ information_for_contributors: notice, ...grammar }, null, 2) + '\n');
