// thaw.js: thaw's cold/warm verdicts for stock k6 (no custom binary, no extension).
//
//   import thaw from './thaw.js';
//   export default function () { const r = thaw.invoke('http://127.0.0.1:8080/fn'); }
//
// Every request made through invoke() is judged cold, warm or unknown with the same
// marker conventions as thaw's probes (NAMES below; a Go test checks them against
// probes/marker.go, so they cannot drift), counted in the faas_* metrics and tagged
// faas_class. README.md beside this file has the whole story; `thaw ingest k6` turns
// the run's --out json/csv file into a thaw run directory.
//
// Style note: imports and exports stay one per line in the plain forms below, so the
// Go tests can load this file in a bare JavaScript engine with stand-in k6 modules.

import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

/**
 * Where the facts are found, and the names of what is emitted. Header lists are
 * tried in order; body fields are top-level or dotted paths of a JSON body.
 */
export const NAMES = {
  coldHeaders: ['X-Thaw-Cold', 'X-Function-Cold'],
  instanceHeaders: ['X-Thaw-Instance', 'X-Function-Instance'],
  initHeaders: ['X-Thaw-Init-Ms', 'X-Function-Init-Ms'],
  countHeaders: ['X-Thaw-Instance-Requests', 'X-Function-Count'],
  coldFields: ['cold'],
  instanceFields: ['instance'],
  initFields: ['init_ms'],
  countFields: ['count'],
  requestIdHeader: 'X-Request-Id',
  classTag: 'faas_class',
  workloadTag: 'faas_workload',
  requestIdMeta: 'request_id',
  instanceMeta: 'faas_instance',
  initMeta: 'faas_init_ms',
  idleEnv: 'THAW_IDLE_S',
};

/** The metrics this module adds to a k6 run (created at import, in the init context). */
export const metrics = {
  coldStarts: new Counter('faas_cold_starts'),
  coldRate: new Rate('faas_cold_rate'),
  coldDuration: new Trend('faas_cold_duration', true),
  warmDuration: new Trend('faas_warm_duration', true),
  initDuration: new Trend('faas_init_duration', true),
  reqDuration: new Trend('faas_req_duration', true),
};

const settings = { instanceFallback: false, requestIdHeader: NAMES.requestIdHeader };
const seenInstances = {};
let requestCount = 0;

/**
 * configure changes how requests are judged. instanceFallback: when a response has no
 * cold flag or count, call the first response of each instance cold (per VU: with
 * more than one VU this over-counts; thaw's instance probe after `thaw ingest k6` sees
 * all VUs). requestIdHeader: the header that carries the request id ('' for none).
 * @param {{instanceFallback?: boolean, requestIdHeader?: string}} opts
 */
export function configure(opts) {
  Object.assign(settings, opts || {});
}

/** headerValue returns the first of names present in headers (any case). */
function headerValue(headers, names) {
  if (!headers) {
    return undefined;
  }
  const lower = {};
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    lower[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  }
  for (const n of names) {
    const v = lower[n.toLowerCase()];
    if (v !== undefined && v !== null && String(v) !== '') {
      return String(v).trim();
    }
  }
  return undefined;
}

/** jsonPath reads a dotted path of doc as text (strings, booleans and numbers only). */
function jsonPath(doc, path) {
  let cur = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(part in cur)) {
      return undefined;
    }
    cur = cur[part];
  }
  if (typeof cur === 'string' || typeof cur === 'boolean' || typeof cur === 'number') {
    return String(cur);
  }
  return undefined;
}

/** scanField finds `"name": value` in text that is not valid JSON (last path element). */
function scanField(body, path) {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const quoted = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp('"' + quoted + '"\\s*:\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(true|false|-?[0-9][0-9.eE+-]*))');
  const m = re.exec(body);
  if (!m) {
    return undefined;
  }
  return m[2] !== undefined ? m[2] : m[1];
}

/** bodyValue returns the first of fields found in a JSON body. */
function bodyValue(body, fields) {
  if (typeof body !== 'string' || body.indexOf('"') < 0) {
    return undefined;
  }
  let doc;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    doc = undefined;
  }
  for (const f of fields) {
    const v = doc !== undefined ? jsonPath(doc, f) : scanField(body, f);
    if (v !== undefined) {
      return v;
    }
  }
  return undefined;
}

function lookup(res, headers, fields) {
  const h = headerValue(res.headers, headers);
  return h !== undefined ? h : bodyValue(res.body, fields);
}

/** parseFlag reads a cold flag like thaw: true/false, 1/0, yes/no, y/n, cold/warm, on/off. */
function parseFlag(v) {
  switch (String(v).trim().toLowerCase()) {
    case 'true': case '1': case 'yes': case 'y': case 'cold': case 'on':
      return true;
    case 'false': case '0': case 'no': case 'n': case 'warm': case 'off':
      return false;
  }
  return undefined;
}

/** parseNum reads a finite non-negative number, like thaw; undefined otherwise. */
function parseNum(v) {
  const s = String(v).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    return undefined;
  }
  const n = Number(s);
  return isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * judge decides cold (true), warm (false) or unknown (undefined) from a response, in
 * the order of thaw's probes: a cold flag, else a per-instance count (1 is cold)
 * (marker probe), else (with instanceFallback) the first sight of an instance id
 * (instance probe). initMs is read for cold starts the marker decided. A request
 * that got no response (status 0) is unknown.
 * @param {{status: number, headers: Object, body: any}} res
 * @returns {{cold: (boolean|undefined), class: string, instance: (string|undefined), initMs: (number|undefined)}}
 */
export function judge(res) {
  const out = { cold: undefined, class: 'unknown', instance: undefined, initMs: undefined };
  if (!res || !res.status) {
    return out;
  }
  out.instance = lookup(res, NAMES.instanceHeaders, NAMES.instanceFields);
  const flag = lookup(res, NAMES.coldHeaders, NAMES.coldFields);
  if (flag !== undefined) {
    out.cold = parseFlag(flag); // an unreadable flag: the marker abstains
  } else {
    const count = parseNum(lookup(res, NAMES.countHeaders, NAMES.countFields));
    if (count !== undefined && count >= 1) {
      out.cold = count === 1;
    }
  }
  if (out.cold === true) {
    out.initMs = parseNum(lookup(res, NAMES.initHeaders, NAMES.initFields));
  }
  if (out.cold === undefined && settings.instanceFallback && out.instance !== undefined) {
    out.cold = !seenInstances[out.instance];
  }
  if (out.instance !== undefined) {
    seenInstances[out.instance] = true;
  }
  out.class = out.cold === true ? 'cold' : out.cold === false ? 'warm' : 'unknown';
  return out;
}

/** newRequestId is unique per request: VU, count in the VU, and a random part. */
function newRequestId() {
  requestCount++;
  return 'k6-' + exec.vu.idInTest + '-' + requestCount + '-' + Math.random().toString(36).slice(2, 8);
}

/**
 * invoke sends one request through k6/http and judges it. request is a URL or
 * {method, url, body, params} (params as for http.request). The request id goes out
 * in NAMES.requestIdHeader and into the metadata of the request's points (never a
 * tag: it is unique), so `thaw ingest k6` can join the verdict to the request.
 * @param {string | {method?: string, url: string, body?: any, params?: Object}} request
 * @returns {{response: Object, cold: (boolean|undefined), class: string, instance: (string|undefined), initMs: (number|undefined), requestId: string}}
 */
export function invoke(request) {
  const r = typeof request === 'string' ? { url: request } : request;
  const params = Object.assign({}, r.params || {});
  const id = newRequestId();
  if (settings.requestIdHeader) {
    params.headers = Object.assign({}, params.headers || {});
    params.headers[settings.requestIdHeader] = id;
  }
  const md = exec.vu.metrics.metadata;
  md[NAMES.requestIdMeta] = id;
  try {
    const res = http.request(r.method || 'GET', r.url, r.body === undefined ? null : r.body, params);
    const v = judge(res);
    record(res, v, params.tags || {});
    return { response: res, cold: v.cold, class: v.class, instance: v.instance, initMs: v.initMs, requestId: id };
  } finally {
    delete md[NAMES.requestIdMeta];
    delete md[NAMES.instanceMeta];
    delete md[NAMES.initMeta];
  }
}

/** record adds one judged request to the faas_* metrics (instance as metadata only). */
function record(res, v, extraTags) {
  const md = exec.vu.metrics.metadata;
  if (v.instance !== undefined) {
    md[NAMES.instanceMeta] = v.instance;
  }
  if (v.initMs !== undefined) {
    md[NAMES.initMeta] = String(v.initMs);
  }
  const tags = Object.assign({}, extraTags);
  tags[NAMES.classTag] = v.class;
  const ms = res && res.timings ? res.timings.duration : 0;
  metrics.reqDuration.add(ms, tags);
  if (v.cold === undefined) {
    return;
  }
  metrics.coldRate.add(v.cold, tags);
  if (v.cold) {
    metrics.coldStarts.add(1, tags);
    metrics.coldDuration.add(ms, tags);
    if (v.initMs !== undefined) {
      metrics.initDuration.add(v.initMs, tags);
    }
  } else {
    metrics.warmDuration.add(ms, tags);
  }
}

// ---- scenario helpers -------------------------------------------------------------

/**
 * A phase: a k6 scenario with its planned span and the idle time before it.
 * @typedef {{name: string, seconds: number, gapBefore: number, scenario: import('k6/options').Scenario}} Phase
 */

/** seconds reads a k6-style duration ('90s', '5m', '1h30m', '250ms') or a number of seconds. */
export function seconds(d) {
  if (typeof d === 'number') {
    return d;
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let seen = '';
  let m;
  while ((m = re.exec(d)) !== null) {
    total += Number(m[1]) * unit[m[2]];
    seen += m[0];
  }
  if (seen === '' || seen !== String(d)) {
    throw new Error('thaw: duration "' + d + '": want e.g. 90s, 5m, 1h30m or a number of seconds');
  }
  return total;
}

function label(s) {
  return String(s).replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * idleSweep makes one phase per idle interval: one VU makes `samples` requests, each
 * after `interval` without traffic (the exec function calls idleWait() then invoke()).
 * Phases are tagged faas_workload: idle, which thaw's keep-alive estimate reads.
 * @param {{intervals: Array<string|number>, samples?: number, exec?: string, slack?: string|number, name?: string}} o
 * @returns {Array<Phase>}
 */
export function idleSweep(o) {
  const samples = o.samples || 3;
  const slack = seconds(o.slack === undefined ? '30s' : o.slack);
  return o.intervals.map((iv) => {
    const idle = seconds(iv);
    const span = samples * (idle + slack);
    /** @type {Object<string, string>} */
    const env = {};
    env[NAMES.idleEnv] = String(idle);
    return {
      name: (o.name || 'idle') + '_' + label(iv),
      seconds: span,
      gapBefore: 0,
      scenario: {
        executor: 'per-vu-iterations', vus: 1, iterations: samples, maxDuration: span + 's',
        exec: o.exec || 'default', env: env, tags: workloadTag('idle'),
      },
    };
  });
}

/**
 * burst makes one phase: after `afterIdle` without traffic, `size` VUs send one
 * request each at the same moment (faas_workload: burst).
 * @param {{size: number, afterIdle?: string|number, exec?: string, name?: string, maxDuration?: string|number}} o
 * @returns {Phase}
 */
export function burst(o) {
  const max = seconds(o.maxDuration === undefined ? '60s' : o.maxDuration);
  return {
    name: o.name || 'burst',
    seconds: max,
    gapBefore: seconds(o.afterIdle === undefined ? 0 : o.afterIdle),
    scenario: {
      executor: 'per-vu-iterations', vus: o.size, iterations: 1, maxDuration: max + 's',
      exec: o.exec || 'default', tags: workloadTag('burst'),
    },
  };
}

/**
 * arrivalRate makes one open-model phase: `rate` requests per `timeUnit` for
 * `duration` (constant-arrival-rate), or `stages` of target rates
 * (ramping-arrival-rate). Tagged faas_workload: rate or ramp.
 * @param {{rate?: number, duration?: string, stages?: Array<{target: number, duration: string}>, timeUnit?: string, preAllocatedVUs?: number, maxVUs?: number, exec?: string, name?: string, afterIdle?: string|number}} o
 * @returns {Phase}
 */
export function arrivalRate(o) {
  const timeUnit = o.timeUnit || '1s';
  const preAllocatedVUs = o.preAllocatedVUs || 10;
  const maxVUs = o.maxVUs || 100;
  const exec = o.exec || 'default';
  const gapBefore = seconds(o.afterIdle || 0);
  if (o.stages) {
    return {
      name: o.name || 'ramp', gapBefore: gapBefore,
      seconds: o.stages.reduce((t, st) => t + seconds(st.duration), 0),
      scenario: {
        executor: 'ramping-arrival-rate', startRate: 0, stages: o.stages, timeUnit: timeUnit,
        preAllocatedVUs: preAllocatedVUs, maxVUs: maxVUs, exec: exec, tags: workloadTag('ramp'),
      },
    };
  }
  return {
    name: o.name || 'steady', gapBefore: gapBefore, seconds: seconds(o.duration),
    scenario: {
      executor: 'constant-arrival-rate', rate: o.rate, duration: o.duration, timeUnit: timeUnit,
      preAllocatedVUs: preAllocatedVUs, maxVUs: maxVUs, exec: exec, tags: workloadTag('rate'),
    },
  };
}

/** @returns {Object<string, string>} */
function workloadTag(w) {
  /** @type {Object<string, string>} */
  const t = {};
  t[NAMES.workloadTag] = w;
  return t;
}

/**
 * sequence turns phases (from idleSweep, burst, arrivalRate) into k6 options.scenarios
 * run one after the other: each starts when the previous one's longest span is over,
 * plus its own gapBefore.
 * @param {Array<Phase|Array<Phase>>} phases
 * @returns {Object<string, import('k6/options').Scenario>}
 */
export function sequence(phases) {
  /** @type {Object<string, import('k6/options').Scenario>} */
  const out = {};
  let t = 0;
  for (const p of [].concat(...phases)) {
    t += p.gapBefore;
    out[p.name] = Object.assign({ startTime: round(t) + 's' }, p.scenario);
    t += p.seconds;
  }
  return out;
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

/** idleWait sleeps the idle interval of the current idleSweep phase (0 elsewhere). */
export function idleWait() {
  const s = Number(__ENV[NAMES.idleEnv] || 0);
  if (s > 0) {
    sleep(s);
  }
}

// ---- end of test summary --------------------------------------------------------

function trendStat(m, stat) {
  if (!m || !m.values) {
    return undefined;
  }
  const alias = { 'p(50)': 'med' };
  const v = m.values[stat] !== undefined ? m.values[stat] : m.values[alias[stat]];
  return typeof v === 'number' ? v : undefined;
}

function fmtMs(v) {
  return v === undefined ? '-' : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0) + ' ms';
}

/**
 * thawSummary reads handleSummary's data and returns the cold/warm section as text
 * and as Markdown, to add to k6's own summary:
 *
 *   export function handleSummary(data) {
 *     const s = thaw.thawSummary(data);
 *     return { stdout: textSummary(data) + s.text, 'thaw-summary.md': s.markdown };
 *   }
 * @param {{metrics: Object<string, {values: Object<string, number>}>}} data
 * @returns {{text: string, markdown: string, rows: Array<Array<string>>}}
 */
export function thawSummary(data) {
  const m = (data && data.metrics) || {};
  const rate = m.faas_cold_rate && m.faas_cold_rate.values ? m.faas_cold_rate.values : {};
  const cold = rate.passes || 0;
  const warm = rate.fails || 0;
  const judged = cold + warm;
  const all = m.faas_req_duration && m.faas_req_duration.values && m.faas_req_duration.values.count;
  const rows = [
    ['requests judged', String(judged) + (typeof all === 'number' ? ' of ' + all : '')],
    ['cold starts', String(cold)],
    ['warm', String(warm)],
    ['cold rate', judged ? (100 * cold / judged).toFixed(1) + ' %' : '-'],
    ['cold p50 / p95', fmtMs(trendStat(m.faas_cold_duration, 'p(50)')) + ' / ' + fmtMs(trendStat(m.faas_cold_duration, 'p(95)'))],
    ['warm p50 / p95', fmtMs(trendStat(m.faas_warm_duration, 'p(50)')) + ' / ' + fmtMs(trendStat(m.faas_warm_duration, 'p(95)'))],
    ['init p50 / p95', fmtMs(trendStat(m.faas_init_duration, 'p(50)')) + ' / ' + fmtMs(trendStat(m.faas_init_duration, 'p(95)'))],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const text = '\n  thaw: cold starts\n' + rows.map((r) => '    ' + r[0] + ' '.repeat(width - r[0].length) + ' : ' + r[1]).join('\n') + '\n';
  const markdown = '## Cold starts (thaw)\n\n| | |\n|---|---|\n' + rows.map((r) => '| ' + r[0] + ' | ' + r[1] + ' |').join('\n') + '\n';
  return { text: text, markdown: markdown, rows: rows };
}

export default {
  NAMES, metrics, configure, judge, invoke, seconds, idleSweep, burst, arrivalRate, sequence, idleWait, thawSummary,
};
