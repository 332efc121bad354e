// A plain Node.js HTTP function (Cloud Run, Knative, thaw emulate --handler) that tells
// thaw whether it was cold: instance id, cold flag, time since init, per-instance count
// and the request's CPU time in X-Function-* headers and as JSON body fields. No dependencies.
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

// --- the few lines to copy into your function ----------------------------------------
const initAt = Date.now(); // module load: the instance's cold start
const instance = crypto.randomBytes(8).toString('hex');
let count = 0;

// cpuStart is process.cpuUsage() read when the request started: the difference is the
// CPU time the request used, what CPU-billed platforms (Cloudflare Workers) charge for.
function mark(cpuStart) {
  count += 1;
  const used = process.cpuUsage(cpuStart);
  const cpu = ((used.user + used.system) / 1000).toFixed(3);
  const facts = { instance, cold: count === 1, since_init_ms: Date.now() - initAt, count, cpu_ms: Number(cpu) };
  const headers = {
    'X-Function-Instance': instance,
    'X-Function-Cold': String(facts.cold),
    'X-Function-Since-Init-Ms': String(facts.since_init_ms),
    'X-Function-Count': String(count),
    'X-Function-Cpu-Ms': cpu,
  };
  return { facts, headers };
}
// ---------------------------------------------------------------------------------------

const server = http.createServer((req, res) => {
  const cpuStart = process.cpuUsage();
  // ... the function's work goes here ...
  const { facts, headers } = mark(cpuStart);
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(facts));
});
const port = Number(process.env.PORT || 8080);
server.listen(port, process.env.HOST || undefined, () => console.log(`listening on ${port}`));
