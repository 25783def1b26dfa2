#!/usr/bin/env -S node --max-semi-space-size=64
// The AppArmor language server; run it with --stdio (or --node-ipc).
// A larger young generation keeps garbage collection out of the way of re-checking a
// large profile on every keystroke.
require('../dist/apparmor-language-server.js');
