package probes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Signer changes a request just before it is sent, e.g. to add an Authorization
// header; body is the request body (nil when there is none). HTTPConfig.Sign calls it
// for every request, before the clock starts. Implementations must be safe for
// concurrent use.
type Signer func(ctx context.Context, req *http.Request, body []byte) error

// SigV4 signs requests with AWS Signature Version 4 through the AWS SDK's signer, for
// IAM-authorised Lambda function URLs and API Gateway routes. Credentials come from a
// provider (the SDK's default chain in NewSigV4) and are cached; they are never
// written anywhere. It is safe for concurrent use.
type SigV4 struct {
	Service, Region string
	creds           aws.CredentialsProvider
	signer          *v4.Signer
	now             func() time.Time
}

// NewSigV4 loads credentials from the AWS SDK's default chain (environment, shared
// config files, container and instance roles) and checks that there are some, so a
// missing key fails before any load is sent.
func NewSigV4(ctx context.Context, service, region string) (*SigV4, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("sigv4: load AWS config: %w", err)
	}
	s := NewSigV4With(cfg.Credentials, service, region, time.Now)
	if _, err := s.creds.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("sigv4: no AWS credentials: %w", err)
	}
	return s, nil
}

// NewSigV4With signs with the given credentials provider and clock (tests use fixed
// ones to check known signatures).
func NewSigV4With(creds aws.CredentialsProvider, service, region string, now func() time.Time) *SigV4 {
	return &SigV4{Service: service, Region: region, creds: aws.NewCredentialsCache(creds),
		signer: v4.NewSigner(), now: now}
}

// Sign adds X-Amz-Date, X-Amz-Security-Token (with temporary credentials) and
// Authorization to req. It has the Signer shape.
func (s *SigV4) Sign(ctx context.Context, req *http.Request, body []byte) error {
	c, err := s.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("sigv4: credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if err := s.signer.SignHTTP(ctx, c, req, hash, s.Service, s.Region, s.now().UTC()); err != nil {
		return fmt.Errorf("sigv4: sign: %w", err)
	}
	return nil
}
