import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { fixture } from './helpers';

// Each file's content is chosen so that only the rule under test can claim it.
const APPARMOR = {
  'detect/apparmor.d/usr.bin.by-path': 'a file of an apparmor.d tree',
  'detect/apparmor.d/abstractions/by-path-nested': 'a file in a policy folder of an apparmor.d tree',
  'detect/by-extension.apparmor': 'a *.apparmor file',
  'detect/first-line/abi': 'a first line "abi <abi/3.0>,"',
  'detect/first-line/tunables': 'a first line "include <tunables/global>"',
  'detect/first-line/profile-header': 'a first line "profile foo /bin/foo {"',
  'detect/first-line/modeline': 'a vim modeline "# vim:syntax=apparmor"',
};
const NOT_APPARMOR = {
  'detect/.profile': "the shell's .profile",
  'detect/apparmor.d/abi/usr.bin.by-path': 'apparmor.d/abi/',
  'detect/apparmor.d/cache/usr.bin.by-path': 'apparmor.d/cache/',
  'detect/apparmor.d/disable/usr.bin.by-path': 'apparmor.d/disable/',
  'detect/apparmor.d/force-complain/usr.bin.by-path': 'apparmor.d/force-complain/',
};

describe('language detection', () => {
  for (const [rel, what] of Object.entries(APPARMOR)) {
    it(`claims ${what}`, async () => {
      const doc = await vscode.workspace.openTextDocument(fixture(rel));
      assert.equal(doc.languageId, 'apparmor', rel);
    });
  }
  for (const [rel, what] of Object.entries(NOT_APPARMOR)) {
    it(`leaves ${what} alone`, async () => {
      const doc = await vscode.workspace.openTextDocument(fixture(rel));
      assert.notEqual(doc.languageId, 'apparmor', rel);
    });
  }
});
