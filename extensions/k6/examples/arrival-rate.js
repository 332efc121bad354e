// Arrival rate: an open-model steady phase, then a ramp. Under load the cold rate
// should stay small; thresholds fail the run when it does not.
//   k6 run --out csv=rate.csv.gz -e TARGET_URL=https://fn.example.com/ arrival-rate.js
//   thaw ingest k6 rate.csv.gz --out results/rate --pricing-model aws-lambda --memory-mb 512
import thaw from '../thaw.js';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: thaw.sequence([
    thaw.arrivalRate({ rate: 50, duration: '2m', preAllocatedVUs: 20, maxVUs: 200, exec: 'hit' }),
    thaw.arrivalRate({ stages: [{ target: 200, duration: '1m' }, { target: 0, duration: '30s' }], maxVUs: 400, exec: 'hit' }),
  ]),
  thresholds: {
    faas_cold_rate: ['rate<0.05'],
    'faas_req_duration{faas_class:warm}': ['p(99)<800'],
    'faas_req_duration{faas_class:cold}': ['p(95)<2000'],
    http_req_failed: ['rate<0.01'],
  },
};

export function hit() {
  thaw.invoke(__ENV.TARGET_URL);
}

export function handleSummary(data) {
  const s = thaw.thawSummary(data);
  return { stdout: textSummary(data, { indent: ' ', enableColors: true }) + s.text, 'thaw-summary.md': s.markdown };
}
