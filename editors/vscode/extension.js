// The wmdsl extension: starts the language server (`wmdsl lsp`) for .wm files.
// Plain JavaScript run as it is, so the extension needs no build step.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const SETTING = 'wmdsl.server.path';
let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('wmdsl').get('server.path');
  return typeof configured === 'string' && configured.trim() ? configured.trim() : 'wmdsl';
}

async function start() {
  const command = serverCommand();
  // No `transport`: the client then talks to the server over its stdin and
  // stdout and adds no argument of its own to the command line.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'wmdsl' },
      { scheme: 'untitled', language: 'wmdsl' },
    ],
    // Imports and settings change what a spec means, so the server hears of them.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.wm,wmdsl.toml,pyproject.toml}'),
    },
  };
  const starting = new LanguageClient('wmdsl', 'wmdsl', serverOptions, clientOptions);
  client = starting;
  try {
    await starting.start();
  } catch (error) {
    if (client === starting) client = undefined;
    const message = error && error.message ? error.message : String(error);
    const action = await vscode.window.showErrorMessage(
      `Could not start the wmdsl language server with \`${command} lsp\`: ${message}. ` +
        `Install wmdsl, or set "${SETTING}" to its command (for example the wmdsl of a virtual environment).`,
      'Open settings',
    );
    if (action) await vscode.commands.executeCommand('workbench.action.openSettings', SETTING);
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(SETTING)) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
