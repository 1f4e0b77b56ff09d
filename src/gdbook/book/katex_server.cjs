// gdbook: KaTeX at build time (src/gdbook/book/katex.py starts this once per build).
//
//   node katex_server.cjs ROOT OPTIONS_JSON
//
// Loads KaTeX from ROOT/node_modules (the version package-lock.json pins), then
// answers one JSON line per JSON line on stdin:
//   {"tex": "...", "display": true}  ->  {"html": "..."}  or  {"error": "..."}
// The first line it writes is {"ready": "<KaTeX version>"}.
"use strict";

const readline = require("readline");

const [root, optionsJson] = process.argv.slice(2);
const katex = require(require.resolve("katex", { paths: [root] }));
const options = JSON.parse(optionsJson);

process.stdout.write(JSON.stringify({ ready: katex.version }) + "\n");

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let out;
  try {
    const req = JSON.parse(line);
    const warnings = [];
    // Non-standard LaTeX that KaTeX accepts: reported to the build, never printed.
    const strict = (code, message) => { warnings.push(`${code}: ${message}`); return "ignore"; };
    out = { html: katex.renderToString(req.tex, { ...options, strict, displayMode: Boolean(req.display) }) };
    if (warnings.length) out.warnings = warnings;
  } catch (e) {
    out = { error: String((e && e.message) || e) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
