// The Node handler of thaw's serverless-offline integration test. Module state lives as
// long as the Lambda instance (a worker thread of serverless-offline), so the instance
// id and the invocation count are the function's own truth about cold starts. Every
// invocation answers with the X-Function-* marker headers and, when THAW_FN_TRUTH is
// set, appends one JSON line to that file: the function, thaw's request id, instance,
// count.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');

const instance = crypto.randomBytes(8).toString('hex');
let count = 0;

// Init work, as a real function has (loading SDKs, opening connections): THAW_FN_INIT_MS
// milliseconds of blocking wait at module load, once per instance.
const initMs = Number(process.env.THAW_FN_INIT_MS || 0);
if (initMs > 0) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, initMs);
}

module.exports.hello = async (event, context) => {
  count += 1;
  const headers = (event && event.headers) || {};
  const requestId = headers['x-request-id'] || headers['X-Request-Id'] || '';
  if (process.env.THAW_FN_TRUTH) {
    fs.appendFileSync(process.env.THAW_FN_TRUTH, JSON.stringify({
      function: context.functionName, request_id: requestId, instance, count,
    }) + '\n');
  }
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'application/json',
      'X-Function-Instance': instance,
      'X-Function-Cold': String(count === 1),
      'X-Function-Count': String(count),
    },
    body: JSON.stringify({ instance, cold: count === 1, count }),
  };
};
