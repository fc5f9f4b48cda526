#!/usr/bin/env node
// Validate BPMN files with the real bpmn.io tools; used by tests/test_render_bpmn.py.
//
//   NODE_PATH=.ci/node/node_modules node tests/bpmn_validate.js a.bpmn b.bpmn
//
// For each file: bpmn-moddle's import warnings (unknown elements, attributes or
// references) and bpmnlint's reports with the `bpmnlint:recommended` config.
// Prints one JSON object: {"<file>": {"warnings": [...], "lint": {"<rule>": [...]}}}.
// Exits 0 when every file was read (the caller judges the results), 2 when the
// tools are missing, 1 on any other failure.
'use strict';

const fs = require('node:fs');
const { pathToFileURL } = require('node:url');

function load(name) {
  try {
    return require.resolve(name);
  } catch (error) {
    process.stderr.write(`cannot find ${name}: ${error.message}\n`);
    process.exit(2);
  }
}

async function main(files) {
  // bpmn-moddle is an ES module; import it by path so NODE_PATH finds it too.
  const moddle = await import(pathToFileURL(load('bpmn-moddle')).href);
  const BpmnModdle = moddle.BpmnModdle || moddle.default; // named export since v10
  const { Linter } = require(load('bpmnlint'));
  const NodeResolver = require(load('bpmnlint/lib/resolver/node-resolver'));

  const results = {};
  for (const file of files) {
    const xml = fs.readFileSync(file, 'utf8');
    const { rootElement, warnings } = await new BpmnModdle().fromXML(xml);
    // A linter per file: some rules (no-duplicate-sequence-flows) keep state between runs.
    const linter = new Linter({
      config: { extends: 'bpmnlint:recommended' },
      resolver: new NodeResolver()
    });
    const lint = await linter.lint(rootElement);
    results[file] = {
      warnings: warnings.map((warning) => warning.message),
      lint: Object.fromEntries(
        Object.entries(lint).map(([rule, reports]) => [
          rule,
          reports.map(({ id, message, category }) => ({ id, message, category }))
        ])
      )
    };
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
