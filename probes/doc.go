// Package probes talks to a function and judges every answer: Invokers send the
// requests (HTTPInvoker, with thaw's own lean HTTP/1.1 client for plain http:// or
// net/http with httptrace, optionally signed by a Signer such as SigV4;
// LambdaInvoker through the AWS Lambda Invoke API) and a Chain of classifiers decides
// whether each invocation hit a cold or a warm instance, with the evidence kept on the
// sample so that `thaw report --reclassify` can judge an old run again (Reclassify).
//
// # The chain
//
// A scenario lists probes in order of precedence (`probes: [marker, instance,
// platform, latency]`, the default). Every probe looks at every sample and leaves its
// reason in Evidence.Reasons; the first that decides sets Class, Kind, DecidedBy and
// Confidence. Facts found by any probe (instance id, init, billed duration, memory)
// are kept even when another decided. A request that got no response stays unknown.
//
//	probe     decides from                                     options
//	marker    the function's own cold flag, or a per-instance  {cold,instance,init,since_init,count,
//	          count of 1; sub-kinds from the prewarmed flag,    prewarmed,queued}_{header,field},
//	          time since init and queued time                   prewarm_margin_ms, queued_min_ms
//	instance  first sight of an instance id is cold            header, field, regex (one capture group)
//	platform  what the platform reports (below)                log_header, duration_header,
//	                                                           log (a log file), log_wait_ms
//	latency   server time alone: a two-component Student-t     min_samples, window, refit, min_bic_gain,
//	          mixture on log server time fitted by EM, gated    min_separation, min_ratio, min_cold,
//	          by the idle gap; abstains when not bimodal        min_weight
//
// Header options take a name or a list; field options take JSON body fields (dotted
// paths allowed). Defaults cover thaw's emulator (X-Thaw-Cold, X-Thaw-Instance,
// X-Thaw-Init-Ms, X-Thaw-Since-Init-Ms, X-Thaw-Instance-Requests, X-Thaw-Prewarmed,
// X-Thaw-Queued-Ms) and the snippets in extensions/functions (X-Function-Cold,
// X-Function-Instance, X-Function-Since-Init-Ms, X-Function-Count, and the JSON body
// fields cold, instance, since_init_ms, count).
//
// # What platforms report without changing the function
//
//   - AWS Lambda Invoke API with LogType: Tail: the base64 log tail in X-Amz-Log-Result.
//     Its REPORT line has Init Duration on a cold start (Restore Duration for SnapStart),
//     Billed Duration, Max Memory Used and Duration; INIT_START / INIT_REPORT lines mark
//     an initialisation too. The Lambda runtime interface emulator writes `INIT START(type:
//     on-demand, phase: init|invoke)` and `INIT REPORT(...)`, and its REPORT Init
//     Duration is wrong (0.02–0.11 ms), so the INIT REPORT figure wins. ParseLambdaLog.
//     The emulator returns no log tail: with `platform: {log: FILE}` the probe reads its
//     output (or a CloudWatch Logs export) and joins the lines to samples by request id.
//   - OpenFaaS: X-Duration-Seconds, the function's duration; no cold signal.
//   - AWS Lambda behind API Gateway or a function URL, Google Cloud Run and Cloud
//     Functions, Azure Functions, Cloudflare Workers, Knative, Fission, OpenWhisk web
//     actions, serverless-offline: nothing in the response tells a cold start (request
//     and trace ids such as X-Cloud-Trace-Context, Function-Execution-Id or Cf-Ray name
//     the request, not the instance). Use a snippet (marker, instance) or the latency
//     probe.
//
// # The latency probe's honesty rules
//
// It judges server time (first byte minus DNS, connect and TLS), so a run whose
// connections are re-established after every idle gap is not called cold. It accepts
// two groups only when the mixture beats one component by BIC, the groups are apart
// (Ashman's D), the slow one is min_ratio times slower, and each group is large
// enough to be more than scheduler hiccups; otherwise it says unknown with the reason
// ("not bimodal: …"). Each decided sample's Confidence is its posterior probability.
package probes
