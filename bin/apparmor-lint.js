#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// Thin launcher so the bin works from a checkout once `npm install` has built dist/.
// Node reads every certificate in NODE_EXTRA_CA_CERTS before it runs a line (50-80 ms with
// a system bundle, more than a small check takes); the linter opens no TLS connection.
require('../dist/apparmor-lint.js');
