package probes

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptrace"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmw "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/thaw-dev/thaw/results"
)

// LambdaRequestIDHeader is sent with every Invoke call carrying Sample.RequestID. The
// Lambda Runtime Interface Emulator takes it as the invocation's request id, so its
// log lines join samples; AWS itself assigns its own id, kept as evidence in the
// X-Amzn-Requestid header.
const LambdaRequestIDHeader = "X-Amzn-RequestId"

// LambdaConfig describes the calls a LambdaInvoker makes.
type LambdaConfig struct {
	Function  string // name or ARN
	Qualifier string // version or alias; "" for $LATEST
	Region    string // "" uses the SDK's (AWS_REGION, shared config)
	Endpoint  string // "" for AWS; the emulator's URL otherwise
	Payload   []byte // JSON event; default {}
	LogTail   bool   // LogType: Tail, so that the platform probe reads the REPORT line
	Timeout   time.Duration
	// BodyPrefixBytes is how much of the response payload is kept as evidence:
	// default 512, negative keeps none.
	BodyPrefixBytes int
}

// LambdaInvoker calls the AWS Lambda Invoke API (RequestResponse) through the AWS SDK,
// one attempt per sample (the SDK's retries are off: a throttled call is data). It
// measures each call with net/http/httptrace like HTTPInvoker. It is safe for
// concurrent use.
type LambdaInvoker struct {
	cfg    LambdaConfig
	client *lambda.Client
	hc     *awshttp.BuildableClient
}

// NewLambdaInvoker loads the SDK's default configuration (credentials are never
// stored by thaw) and builds the client.
func NewLambdaInvoker(ctx context.Context, cfg LambdaConfig) (*LambdaInvoker, error) {
	if cfg.Function == "" {
		return nil, errors.New("lambda target: function is required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.BodyPrefixBytes == 0 {
		cfg.BodyPrefixBytes = DefaultBodyPrefixBytes
	}
	if len(cfg.Payload) == 0 {
		cfg.Payload = []byte("{}")
	}
	opts := []func(*config.LoadOptions) error{}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("lambda target: load AWS config: %w", err)
	}
	if awsCfg.Region == "" {
		return nil, errors.New("lambda target: no region (set target.region or AWS_REGION)")
	}
	if err := checkCredentials(ctx, &awsCfg, cfg.Endpoint); err != nil {
		return nil, err
	}
	hc := awshttp.NewBuildableClient().WithTimeout(cfg.Timeout)
	client := lambda.NewFromConfig(awsCfg, func(o *lambda.Options) {
		o.Retryer = aws.NopRetryer{}
		o.HTTPClient = hc
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &LambdaInvoker{cfg: cfg, client: client, hc: hc}, nil
}

// credentialsTimeout bounds the search of the SDK's default chain (it may ask an
// instance metadata endpoint that is not there).
const credentialsTimeout = 10 * time.Second

// checkCredentials makes a missing key fail before any load is sent. An emulator
// (endpoint set) checks no signature: without credentials its calls go unsigned.
func checkCredentials(ctx context.Context, awsCfg *aws.Config, endpoint string) error {
	ctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	err := errors.New("none configured")
	if awsCfg.Credentials != nil {
		_, err = awsCfg.Credentials.Retrieve(ctx)
	}
	switch {
	case err == nil:
	case endpoint == "":
		return fmt.Errorf("lambda target: no AWS credentials: %w", err)
	default:
		awsCfg.Credentials = aws.AnonymousCredentials{}
	}
	return nil
}

// Close releases idle connections.
func (l *LambdaInvoker) Close() {
	l.hc.GetTransport().CloseIdleConnections()
}

// Invoke calls the function once and fills s like HTTPInvoker.Invoke: timings, Status
// (the Invoke API's), Error (function for X-Amz-Function-Error, throttled for
// TooManyRequestsException), and Evidence: the payload prefix, the decoded log tail
// and the X-Amz-* facts. It never fails: a failed call is recorded in s.
func (l *LambdaInvoker) Invoke(ctx context.Context, s *results.Sample) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	var tr traceTimes
	ctx = httptrace.WithClientTrace(ctx, tr.clientTrace())
	in := &lambda.InvokeInput{FunctionName: aws.String(l.cfg.Function), Payload: l.cfg.Payload}
	if l.cfg.Qualifier != "" {
		in.Qualifier = aws.String(l.cfg.Qualifier)
	}
	if l.cfg.LogTail {
		in.LogType = types.LogTypeTail
	}
	withID := func(o *lambda.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue(LambdaRequestIDHeader, s.RequestID))
	}
	tr.start = time.Now()
	s.Start = tr.start
	out, err := l.client.Invoke(ctx, in, withID)
	tr.fill(s, time.Now())
	if err != nil {
		l.fail(ctx, s, err)
		return
	}
	s.Status = int(out.StatusCode)
	s.Evidence = l.evidence(out)
	if out.FunctionError != nil {
		s.Error, s.ErrorDetail = results.ErrFunction, *out.FunctionError
		return
	}
	s.Error = StatusKind(s.Status)
}

// fail records an Invoke error: an API error answer keeps its status and code, a
// transport error its kind.
func (l *LambdaInvoker) fail(ctx context.Context, s *results.Sample, err error) {
	var (
		re  *awshttp.ResponseError
		api smithy.APIError
	)
	if errors.As(err, &re) && re.HTTPStatusCode() > 0 {
		s.Status = re.HTTPStatusCode()
		s.Error = StatusKind(s.Status)
		if id := re.ServiceRequestID(); id != "" {
			s.Evidence = &results.Evidence{Headers: map[string]string{"X-Amzn-Requestid": id}}
		}
	} else {
		s.TTFBMS = 0
		s.Error = ErrorKind(ctx, err)
	}
	s.ErrorDetail = err.Error()
	if errors.As(err, &api) {
		s.ErrorDetail = api.ErrorCode() + ": " + api.ErrorMessage()
		var tooMany *types.TooManyRequestsException
		if errors.As(err, &tooMany) || api.ErrorCode() == "TooManyRequestsException" {
			s.Error = results.ErrThrottled
		}
	}
}

func (l *LambdaInvoker) evidence(out *lambda.InvokeOutput) *results.Evidence {
	ev := &results.Evidence{Headers: map[string]string{}}
	if id, ok := awsmw.GetRequestIDMetadata(out.ResultMetadata); ok && id != "" {
		ev.Headers["X-Amzn-Requestid"] = id
	}
	if out.FunctionError != nil {
		ev.Headers["X-Amz-Function-Error"] = *out.FunctionError
	}
	if out.ExecutedVersion != nil {
		ev.Headers["X-Amz-Executed-Version"] = *out.ExecutedVersion
	}
	if out.LogResult != nil {
		if b, err := base64.StdEncoding.DecodeString(*out.LogResult); err == nil {
			ev.Log = string(b)
		}
	}
	if n := l.cfg.BodyPrefixBytes; n > 0 && len(out.Payload) > 0 {
		ev.Body = string(out.Payload[:min(n, len(out.Payload))])
	}
	if len(ev.Headers) == 0 {
		ev.Headers = nil
	}
	return ev
}
