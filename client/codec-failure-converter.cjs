// The failure converter of the encrypting data converter (client/codec.ts, FAILURE_CONVERTER_PATH).
// It moves failure messages and stack traces into `encodedAttributes`, a payload the codec then
// encrypts; the failure's own `message` reads "Encoded failure". The SDK loads this file by path:
// with `require` in workers and clients, and into the workflow bundle, so it is CommonJS (plain
// Node 20 cannot `require` ESM) and imports nothing but @temporalio/common (the sandbox allows no
// Node built-ins).
'use strict';

const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
