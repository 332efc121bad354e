// An AWS Lambda handler (Node.js runtime; API Gateway or function URL proxy response)
// that tells thaw whether it was cold: instance id, cold flag, time since init and
// per-instance count in X-Function-* headers and as JSON body fields. No dependencies.
'use strict';
const crypto = require('node:crypto');

const initAt = Date.now(); // module load: the sandbox's cold start
const instance = crypto.randomBytes(8).toString('hex');
let count = 0;

exports.handler = async () => {
  count += 1;
  const facts = { instance, cold: count === 1, since_init_ms: Date.now() - initAt, count };
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'application/json',
      'X-Function-Instance': instance,
      'X-Function-Cold': String(facts.cold),
      'X-Function-Since-Init-Ms': String(facts.since_init_ms),
      'X-Function-Count': String(count),
    },
    body: JSON.stringify(facts),
  };
};
