// vscode-languageclient in a bundle of its own (dist/languageClient.js): it is most of the
// extension's code, and the server is started after activation, so activation never loads it.
export * from 'vscode-languageclient/node';
