// Validates a SARIF file against the SARIF 2.1.0 JSON schema shipped by Microsoft's
// @microsoft/jest-sarif package, with ajv. Usage: node validate-sarif.js FILE
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const schemaPath = path.join(__dirname, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, schemaId: 'auto' });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);
const log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (!validate(log)) {
  console.error(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}
console.log('valid SARIF 2.1.0');
