// Writes the page Chromium opens for report_check.sh: the report's Markdown and the texts to look for as
// data, markdown-it and mermaid from node_modules and report_check.js, all as file:// URLs, so the browser
// needs no server and no network. Usage: node report_page.mjs <report.md> <out.html>
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {crowd, shows} from './report_scenario.mjs';

const [reportPath, outPath] = process.argv.slice(2);
if (!outPath) {
    console.error('usage: node report_page.mjs <report.md> <out.html>');
    process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const url = (...parts) => pathToFileURL(join(here, ...parts)).href;
const report = {markdown: readFileSync(reportPath, 'utf8'), shows, crowd};
// Inside <script>, "</script>" in the data would end the element: escape every "<" in the JSON.
const data = JSON.stringify(report).replace(/</g, '\\u003c');
writeFileSync(outPath, `<!doctype html>
<html><head><meta charset="utf-8"><title>hindsight report render check</title></head>
<body>
<script>window.REPORT = ${data};</script>
<script src="${url('node_modules', 'markdown-it', 'dist', 'browser', 'markdown-it.umd.min.js')}"></script>
<script src="${url('node_modules', 'mermaid', 'dist', 'mermaid.min.js')}"></script>
<script src="${url('report_check.js')}"></script>
</body></html>
`);
