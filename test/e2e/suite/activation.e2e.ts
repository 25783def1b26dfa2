import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, note, openEditor, waitFor, type AppArmorApi } from './helpers';

describe('activation', () => {
  it('activates when an AppArmor file opens, and its language server starts', async () => {
    const ext = vscode.extensions.getExtension<AppArmorApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    await openEditor('profiles/commands.apparmor');
    // onLanguage:apparmor, not an explicit activate(): the manifest's events must suffice.
    const api = await waitFor('activation on opening a profile', () => (ext.isActive ? ext.exports : undefined));
    await api.serverReady();
    note(`      activation took ${api.activationMs.toFixed(1)} ms`);
    assert.ok(api.activationMs < 1000, `activation took ${api.activationMs} ms`);
  });
});
