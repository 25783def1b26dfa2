#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node --max-semi-space-size=64
// The AppArmor language server; run it with --stdio (or --node-ipc).
// A larger young generation keeps garbage collection out of the way of re-checking a
// large profile on every keystroke. Node reads every certificate in NODE_EXTRA_CA_CERTS
// before it runs a line of the server (50-80 ms with a system bundle); the server opens no
// TLS connection, so it starts without them.
require('../dist/apparmor-language-server.js');
