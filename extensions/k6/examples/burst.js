// Burst after idle: 50 requests at once after 15 minutes without traffic, so most of
// them start a new instance.
//   k6 run --out json=burst.json -e TARGET_URL=https://fn.example.com/ burst.js
//   thaw ingest k6 burst.json --out results/burst
import thaw from '../thaw.js';
import { check } from 'k6';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: thaw.sequence([
    thaw.burst({ size: 1, exec: 'hit', name: 'warmup' }),
    thaw.burst({ size: 50, afterIdle: '15m', exec: 'hit' }),
  ]),
  thresholds: {
    faas_cold_duration: ['p(95)<2000', 'max<5000'],
    faas_init_duration: ['p(95)<1500'],
    checks: ['rate>0.99'],
  },
};

export function hit() {
  const r = thaw.invoke({ method: 'POST', url: __ENV.TARGET_URL, body: JSON.stringify({ sku: 42 }),
    params: { headers: { 'Content-Type': 'application/json' } } });
  check(r.response, { 'status is 200': (res) => res.status === 200 });
}

export function handleSummary(data) {
  const s = thaw.thawSummary(data);
  return { stdout: textSummary(data, { indent: ' ', enableColors: true }) + s.text, 'thaw-summary.md': s.markdown };
}
