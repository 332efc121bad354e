package scenarios

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/thaw-dev/thaw/internal/redact"
)

// Secrets returns the secret values of the scenario, for the scrubber (package
// internal/redact): the values of credential headers (redact.SecretHeaders) and of the
// headers listed in target.secret_headers, with the credential after a scheme
// ("Bearer …"); the values of the body fields listed in target.secret_fields; the
// password and credential-like query values (code, key, token, sig, …) of the target
// URL; and every ${VAR} expanded into any of them or into the URL's query or user info. Sorted, without duplicates. Safe for concurrent use.
func (sc *Scenario) Secrets() []string {
	var out []string
	t := sc.Target
	for name, v := range t.Headers {
		if !redact.IsSecretHeader(name) && !slices.ContainsFunc(t.SecretHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
			continue
		}
		out = append(out, redact.HeaderValues(v)...)
		out = append(out, sc.expanded["target.headers."+name]...)
	}
	out = append(out, bodySecrets(t.Body, t.SecretFields)...)
	if len(t.SecretFields) > 0 {
		out = append(out, sc.expanded["target.body"]...)
	}
	out = append(out, urlSecrets(t.URL, sc.expanded["target.url"])...)
	slices.Sort(out)
	return slices.Compact(slices.DeleteFunc(out, func(v string) bool { return v == "" }))
}

// bodySecrets returns the values of the JSON body's fields at the dotted paths.
func bodySecrets(body string, paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	var doc any
	if json.Unmarshal([]byte(body), &doc) != nil {
		return nil
	}
	var out []string
	for _, p := range paths {
		cur := doc
		for _, part := range strings.Split(p, ".") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		switch v := cur.(type) {
		case nil, map[string]any, []any:
			if b, err := json.Marshal(v); err == nil && v != nil {
				out = append(out, string(b))
			}
		case string:
			out = append(out, v)
		default:
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

// secretParams are parts of query parameter names that carry credentials (Azure
// Functions' code, AWS's X-Amz-Signature, api_key, access_token, …).
var secretParams = []string{"key", "token", "code", "sig", "secret", "pass", "auth", "credential"}

// urlSecrets returns the URL's password, the values of its credential-like query
// parameters, and the expansions that landed in its user info or query.
func urlSecrets(raw string, expanded []string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	private := u.RawQuery
	if u.User != nil {
		private += "@" + u.User.String()
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	for name, vs := range u.Query() {
		if slices.ContainsFunc(secretParams, func(p string) bool { return strings.Contains(strings.ToLower(name), p) }) {
			out = append(out, vs...)
		}
	}
	for _, v := range expanded {
		if strings.Contains(private, v) || strings.Contains(private, url.QueryEscape(v)) {
			out = append(out, v)
		}
	}
	return out
}

// secrets checks target.secret_headers and target.secret_fields.
func (v *validator) secrets() {
	t := v.sc.Target
	for i, h := range t.SecretHeaders {
		v.check(validHeaderName(h), fmt.Sprintf("target.secret_headers[%d]", i), "is not a valid header name")
	}
	if len(t.SecretFields) == 0 {
		return
	}
	var doc map[string]any
	isJSON := json.Unmarshal([]byte(t.Body), &doc) == nil
	v.check(isJSON, "target.secret_fields", "needs a JSON object in target.body")
	for i, f := range t.SecretFields {
		v.check(f != "" && !strings.HasPrefix(f, ".") && !strings.HasSuffix(f, ".") && !strings.Contains(f, ".."),
			fmt.Sprintf("target.secret_fields[%d]", i), "must be a field name or dotted path (e.g. auth.password)")
	}
}
