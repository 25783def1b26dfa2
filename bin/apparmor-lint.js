#!/usr/bin/env node
// Thin launcher so the bin works from a checkout once `npm install` has built dist/.
require('../dist/apparmor-lint.js');
