// Idle sweep: how long does the platform keep an idle instance? One VU waits 1, 5,
// 10 and 20 minutes before each of 3 requests per interval.
//   k6 run --out json=idle.json.gz -e TARGET_URL=https://fn.example.com/ idle-sweep.js
//   thaw ingest k6 idle.json.gz --out results/idle
import thaw from '../thaw.js';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: thaw.sequence([
    thaw.idleSweep({ intervals: ['1m', '5m', '10m', '20m'], samples: 3, exec: 'sweep' }),
  ]),
  thresholds: {
    // cold starts after a long idle must still answer within 3 s
    'faas_req_duration{faas_class:cold}': ['p(95)<3000'],
    faas_warm_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
  },
};

export function sweep() {
  thaw.idleWait();
  thaw.invoke(__ENV.TARGET_URL);
}

export function handleSummary(data) {
  const s = thaw.thawSummary(data);
  return { stdout: textSummary(data, { indent: ' ', enableColors: true }) + s.text, 'thaw-summary.md': s.markdown };
}
