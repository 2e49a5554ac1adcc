// Reads the DOM Chromium dumped and the report's JSON form, prints one PASS or FAIL line (and the
// reasons), exits 1 on FAIL. The JSON must parse, hold what the scenario made (so a report that lost the
// incidents cannot pass on an empty page) and agree with the figures the charts drew.
// Usage: node report_verdict.mjs <dom.html> <report.json>
import {readFileSync} from 'node:fs';
import {hostile} from './report_scenario.mjs';

const [domPath, jsonPath] = process.argv.slice(2);
const dom = readFileSync(domPath, 'utf8');
const found = /<pre id="verdict">([^<]*)<\/pre>/.exec(dom);
if (!found) {
    console.log('report_check: FAIL — the page wrote no verdict (did a script fail to load, or time run out?)');
    process.exit(1);
}
const verdict = JSON.parse(found[1]);
const reasons = [...verdict.reasons];
const s = verdict.stats || {};

let json = null;
try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
} catch (e) {
    reasons.push(`report --format json does not parse: ${e.message}`);
}
if (json) {
    const sevs = Object.values(json.by_severity || {});
    if (json.incidents < 4 || sevs.filter((n) => n > 0).length < 4)
        reasons.push(`the JSON counts ${json.incidents} incidents of ${sevs.filter((n) => n > 0).length} severities, the scenario made 4 of 4`);
    if (!(json.recurring_factors || []).some((r) => r.text === hostile.factor && r.incidents.length === 2))
        reasons.push('the hostile factor is not a recurring factor of two incidents in the JSON');
    if ((json.recurring_factors || []).length < 2) reasons.push('the JSON has fewer than 2 recurring factors');
    const actions = json.actions || {};
    if (actions.done < 1 || actions.wontdo < 1) reasons.push('the JSON has no done or no won\'t-do action item');
    if (!(actions.wontdo_reasons || []).some((r) => r.reason === hostile.wontdo))
        reasons.push('the hostile won\'t-do reason is not in the JSON as typed');
    // The charts draw the same figures as the JSON: each pie's slices are the non-zero counts.
    const sorted = (o) => JSON.stringify(Object.entries(o || {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const nonZero = (o) => Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0));
    const want = {
        'Incidents by severity': nonZero(json.by_severity || {}),
        'Incidents by service': nonZero(json.by_service || {}),
        'Action items closed in the window': nonZero({done: actions.done, "won't do": actions.wontdo}),
    };
    for (const pie of s.pies || []) {
        const expected = want[pie.title];
        if (!expected) reasons.push(`a pie titled "${pie.title}" the check does not know`);
        else if (sorted(pie.slices) !== sorted(expected))
            reasons.push(`the pie "${pie.title}" shows ${JSON.stringify(pie.slices)}, the JSON ${JSON.stringify(expected)}`);
    }
    const minutes = (sec) => (sec === null ? 0 : Math.floor(sec / 60));
    const stages = ['to_detect', 'to_mitigate', 'to_resolve'];
    const series = [stages.map((k) => minutes(json[k].median_s)), stages.map((k) => minutes(json[k].p90_s))];
    for (const chart of s.xycharts || [])
        if (JSON.stringify(chart.series) !== JSON.stringify(series))
            reasons.push(`the xychart draws ${JSON.stringify(chart.series)}, the JSON gives ${JSON.stringify(series)} minutes`);
}

if (verdict.pass && reasons.length === 0) {
    const pies = s.pies || [];
    const slices = pies.reduce((n, p) => n + p.paths, 0);
    const bars = (s.xycharts || []).reduce((n, c) => n + c.bars, 0);
    console.log(`report_check: PASS — ${s.diagrams} diagrams drawn (${pies.length} pies with ${slices} slices, ` +
        `${(s.xycharts || []).length} xychart with ${bars} bars), ${s.tables} tables (${s.rows} rows, ` +
        `${s.cells} cells), ${s.headings} headings, ${s.list_items} list items; JSON parses and matches ` +
        'the charts; hostile text rendered as text only');
    process.exit(0);
}
console.log(`report_check: FAIL — ${reasons.length} problem(s):`);
for (const r of reasons) console.log(`  - ${r}`);
process.exit(1);
