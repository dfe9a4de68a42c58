// Validates a JSON document against a JSON Schema (draft-07 or 2020-12) with ajv.
// Usage: node tools/validate-json.js SCHEMA.json DOCUMENT.json   (exit 1 with the errors when invalid)
"use strict";
const fs = require("fs");
const path = require("path");
const addFormats = require(path.join(__dirname, "node_modules/ajv-formats"));
const [schemaPath, docPath] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
const is2020 = String(schema.$schema || "").includes("2020-12");
const Ajv = require(path.join(__dirname, is2020 ? "node_modules/ajv/dist/2020" : "node_modules/ajv"));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const doc = JSON.parse(fs.readFileSync(docPath, "utf8"));
if (!validate(doc)) {
  console.error(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}
console.log("valid");
