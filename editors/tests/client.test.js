// Loads the VS Code client with stand-ins for `vscode` and
// `vscode-languageclient/node` and checks what it starts:
//     node editors/tests/client.test.js editors/vscode/extension.js
'use strict';
const assert = require('assert');
const Module = require('module');

const settings = { 'server.path': '  /opt/wmdsl/bin/wmdsl  ' };
const clients = [];
const errors = [];
let configurationListener;

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, running: false });
    clients.push(this);
  }
  async start() {
    if (this.serverOptions.command === 'missing-wmdsl') throw new Error('spawn missing-wmdsl ENOENT');
    this.running = true;
  }
  async stop() {
    this.running = false;
  }
}

const vscode = {
  workspace: {
    getConfiguration(section) {
      assert.strictEqual(section, 'wmdsl');
      return { get: (key) => settings[key] };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration(listener) {
      configurationListener = listener;
      return { dispose() {} };
    },
  },
  window: {
    async showErrorMessage(message, ...actions) {
      errors.push(message);
      return undefined;
    },
  },
  commands: { executeCommand: async () => undefined },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return load.call(this, request, parent, isMain);
};

async function main() {
  const extension = require(require('path').resolve(process.argv[2]));
  const context = { subscriptions: [] };
  await extension.activate(context);

  assert.strictEqual(clients.length, 1);
  const [first] = clients;
  assert.deepStrictEqual(first.serverOptions, { command: '/opt/wmdsl/bin/wmdsl', args: ['lsp'] });
  assert.ok(first.running);
  const languages = first.clientOptions.documentSelector.map((selector) => selector.language);
  assert.deepStrictEqual([...new Set(languages)], ['wmdsl']);
  assert.ok(context.subscriptions.length >= 1);

  // Another setting: the client is restarted with the new command.
  settings['server.path'] = '';
  await configurationListener({ affectsConfiguration: (name) => name === 'wmdsl.server.path' });
  assert.strictEqual(clients.length, 2);
  assert.ok(!first.running);
  assert.deepStrictEqual(clients[1].serverOptions, { command: 'wmdsl', args: ['lsp'] });

  // An unrelated setting changes nothing.
  await configurationListener({ affectsConfiguration: () => false });
  assert.strictEqual(clients.length, 2);

  // A command that cannot be started is reported with the setting to change.
  settings['server.path'] = 'missing-wmdsl';
  await configurationListener({ affectsConfiguration: (name) => name === 'wmdsl.server.path' });
  assert.strictEqual(errors.length, 1);
  assert.match(errors[0], /missing-wmdsl lsp/);
  assert.match(errors[0], /wmdsl\.server\.path/);

  await extension.deactivate();
  assert.ok(clients.every((client) => !client.running));
  console.log('client ok');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
