// Package k6 turns the output files of stock k6 (`k6 run --out json=FILE` and
// `--out csv=FILE`, either of them gzipped) into thaw samples, one per HTTP request,
// so that a k6 run becomes a normal thaw run directory. It streams: memory is bounded
// by the number of requests whose points are still arriving (Options.Window), never
// by the size of the file.
//
// # From k6 points to one sample
//
// k6 emits the points of one HTTP request together, after the request ended, with the
// request's end time and the same tags and metadata: http_reqs, http_req_duration,
// http_req_blocked, http_req_connecting, http_req_tls_handshaking, http_req_sending,
// http_req_waiting, http_req_receiving and, unless the script disabled it,
// http_req_failed. The reader groups points by (time, tags, metadata); a group is done
// when every one of those metrics has arrived (and, for requests made through
// thaw.js, the verdict point that follows). Groups that never complete are flushed
// after Options.Window newer requests started, so interleaved points are tolerated
// and memory stays bounded.
//
// k6's timings are intervals of one timeline: blocked runs from asking for a
// connection to having one, and so contains DNS lookup, TCP connect (connecting) and
// the TLS handshake (tls_handshaking); then come sending, waiting and receiving.
// http_req_duration is sending+waiting+receiving. The sample's fields are:
//
//	latency_ms = blocked + sending + waiting + receiving   (thaw counts connection set-up)
//	ttfb_ms    = blocked + sending + waiting
//	connect_ms = connecting
//	tls_ms     = tls_handshaking
//	dns_ms     = blocked − connecting − tls_handshaking     (DNS and waiting for a pooled
//	                                                          connection: k6 does not split them)
//	start      = time − latency_ms (k6 stamps the end);  scheduled = start
//	conn_reused = connecting == 0 and tls_handshaking == 0
//
// so that ServerMS (ttfb minus DNS, connect and TLS) is exactly sending+waiting.
//
// Tags: scenario → phase (and the scenario's faas_workload tag → the phase's workload),
// status → status, error_code and status → error kind (see ErrorKind), error →
// error_detail (credentials removed). A faas_class tag of cold or warm on the request,
// or thaw.js's faas_req_duration point joined through the request_id metadata, sets
// class and decided_by "k6"; its metadata faas_instance and faas_init_ms set instance
// and init_ms. Other requests stay "unknown" for thaw's probes to judge.
//
// Points of any other metric (vus, iterations, data_sent, checks, custom metrics) are
// ignored. A malformed line is reported with its line number (Options.Warn) and
// skipped, or stops the read when Options.Strict is set.
package k6
