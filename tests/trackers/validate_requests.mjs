// Checks every request hindsight sent to the fake GitHub (JSON lines written by the fake, see
// tests/support/fake_github.hpp) against GitHub's own OpenAPI description (@octokit/openapi, pinned by
// package-lock.json): the request body schema of its operation, and the pinned API version header.
// Usage: node validate_requests.mjs <requests.jsonl>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";

const require = createRequire(import.meta.url);
const spec = require("@octokit/openapi/generated/api.github.com.deref.json");
const lines = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const ajv = new Ajv({ strict: false, allErrors: true });

// The spec's path templates as regular expressions over the request's path.
const operations = Object.entries(spec.paths).map(([template, item]) => ({
  template,
  item,
  pattern: new RegExp("^/" + template.slice(1).replace(/\{[^}]+\}/g, "[^/]+") + "$"),
}));

// OpenAPI 3.0's "nullable" as JSON Schema: null is one more type the value may have.
function jsonSchema(node) {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) if (key !== "nullable") out[key] = jsonSchema(value);
  if (node.nullable !== true) return out;
  if (typeof out.type === "string") return { ...out, type: [out.type, "null"] };
  return { anyOf: [out, { type: "null" }] };
}

let failures = 0;
const seen = new Map();
for (const request of lines) {
  const path = request.target.split("?")[0];
  const found = operations.find((op) => op.pattern.test(path) && op.item[request.method.toLowerCase()]);
  const label = `${request.method} ${found ? found.template : path}`;
  seen.set(label, (seen.get(label) || 0) + 1);
  if (!found) {
    console.log(`FAIL ${label}: no such operation in GitHub's OpenAPI description`);
    failures++;
    continue;
  }
  if (request.api_version !== "2022-11-28") {
    console.log(`FAIL ${label}: X-GitHub-Api-Version is ${JSON.stringify(request.api_version)}`);
    failures++;
  }
  const operation = found.item[request.method.toLowerCase()];
  const schema = operation.requestBody?.content?.["application/json"]?.schema;
  if (!schema) continue;
  const body = JSON.parse(request.body);
  const validate = ajv.compile(jsonSchema(schema));
  if (!validate(body)) {
    console.log(`FAIL ${label}: ${ajv.errorsText(validate.errors)}\n     ${request.body.slice(0, 300)}`);
    failures++;
  }
  // Fields the schema allows but GitHub is closing down must not be sent.
  if ("assignee" in body) {
    console.log(`FAIL ${label}: sends the singular "assignee", removed in API version 2026-03-10`);
    failures++;
  }
}
for (const [label, n] of seen) console.log(`     ${label}: ${n}`);
for (const needed of ["POST /repos/{owner}/{repo}/issues", "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
                      "GET /repos/{owner}/{repo}/issues"]) {
  if (!seen.has(needed)) {
    console.log(`FAIL no ${needed} was sent: the check saw too little`);
    failures++;
  }
}
console.log(failures ? `github_contract: FAIL (${failures})` : `github_contract: ${lines.length} requests match GitHub's schema`);
process.exit(failures ? 1 : 0);
