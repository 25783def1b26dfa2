#!/usr/bin/env node
// The AppArmor language server; run it with --stdio (or --node-ipc).
require('../dist/apparmor-language-server.js');
