// The console script behind report_check.sh: four incidents in four channels, of every severity, with
// services, mitigation, resolution, factors (two of them recurring), action items done and won't-do, and
// hostile text where the report prints user text (a recurring factor and a won't-do reason).
//
// Usage: node report_scenario.mjs    (prints the script; report_page.mjs and report_verdict.mjs import the rest)
// Each hostile string carries its marker (QRnnQ) so the check can tell that no text was swallowed.
import {fileURLToPath} from 'node:url';

// Mermaid's click/directive syntax, raw HTML, table pipes, code spans (one holding a pipe), crowd mentions.
export const hostile = {
    factor: '"]; click A href "javascript:alert(1)" %%{init: {"securityLevel":"loose"}}%% ' +
        '<img src=x onerror=alert(1)> | a | b | `tick` @channel QR01Q',
    wontdo: '<script>alert(1)</script> "] --> X %% comment | pipe || ``` fence [x](javascript:alert(2)) ' +
        '<a href="javascript:alert(3)">y</a> @here QR02Q',
};

// Pieces of the hostile text that must still read as typed once rendered (code-span backticks and crowd
// mentions are the exporter's to change, so they are left out).
export const shows = [
    'QR01Q', 'QR02Q',
    '"]; click A href "javascript:alert(1)"',
    '%%{init: {"securityLevel":"loose"}}%%',
    '<img src=x onerror=alert(1)>',
    '| a | b |',
    '<script>alert(1)</script>',
    '"] --> X %% comment | pipe ||',
    '[x](javascript:alert(2))',
    '<a href="javascript:alert(3)">y</a>',
];
// Mentions that would notify a whole channel if the report were pasted into chat: they must be defused.
export const crowd = ['@channel', '@here'];

export const lines = [
    ':channel payments',
    '/incident start Checkout latency in eu-west sev1',
    '/incident service checkout',
    ':advance 12m',
    '/incident detected at -5m',
    '/incident mitigated failover done',
    ':advance 40m',
    '/incident resolve pool limit raised',
    '/incident factor The connection pool was exhausted',
    '/incident action Require a reviewer for config changes @bob due 2026-03-20 process',
    '/incident action Alert on pool saturation @bob due 2026-03-20 tooling',
    '/incident done A-1 shipped',
    `/incident wontdo A-2 ${hostile.wontdo}`,

    ':channel search',
    '/incident start Search returns nothing sev2',
    '/incident service search',
    ':advance 25m',
    '/incident mitigated reindexed',
    ':advance 1h',
    '/incident resolve index rebuilt',
    '/incident factor connection pool exhausted',
    `/incident factor ${hostile.factor}`,
    '/incident action Add a canary for the indexer @carol due 2026-03-20 tooling',

    ':channel platform',
    '/incident start API errors sev3',
    '/incident service checkout',
    ':advance 5m',
    '/incident mitigated rolled back',
    ':advance 15m',
    '/incident resolve fixed forward',
    `/incident factor ${hostile.factor}`,

    ':channel dashboards',
    '/incident start Slow dashboards sev4',
    '/incident service grafana',
    ':advance 2h',
    '/incident resolve cache warmed',
    '/incident factor A cold cache after the deploy',
];

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(lines.join('\n') + '\n');
