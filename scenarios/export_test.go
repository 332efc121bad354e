package scenarios

// IsSafeName and IsHTTPMethod are the validator's name checks, for tests that compare
// them with the regular expressions they stand for.
var (
	IsSafeName   = isSafeName
	IsHTTPMethod = isHTTPMethod
)
