// Reads the DOM Chromium dumped, prints one PASS or FAIL line (and the reasons), exits 1 on FAIL.
// Usage: node report.mjs <dom.html>
import {readFileSync} from 'node:fs';

const dom = readFileSync(process.argv[2], 'utf8');
const found = /<pre id="verdict">([^<]*)<\/pre>/.exec(dom);
if (!found) {
    console.log('render_check: FAIL — the page wrote no verdict (did a script fail to load, or time run out?)');
    process.exit(1);
}
const verdict = JSON.parse(found[1]);
const s = verdict.stats || {};
const diagrams = (s.diagrams || []).map((d) => `${d.nodes} nodes/${d.edges} edges`).join(', ');
if (verdict.pass) {
    console.log(`render_check: PASS — ${s.headings} headings, ${s.tables} tables, ${s.cells} cells, ` +
        `${s.list_items} list items, ${s.code_blocks} code block(s), diagram(s): ${diagrams}; ` +
        'hostile text in every field rendered as text only');
    process.exit(0);
}
console.log(`render_check: FAIL — ${verdict.reasons.length} problem(s):`);
for (const r of verdict.reasons) console.log(`  - ${r}`);
process.exit(1);
