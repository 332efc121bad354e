package scenarios

import (
	"errors"
	"sort"
)

// Load parses the scenario file at path and validates it, returning every problem of
// both steps at once, in file order (as *FieldError values joined with errors.Join;
// see Problems). On error the Scenario may still be returned, partially decoded, for
// messages; do not run it. This is what `thaw validate` and `thaw run` should call.
func Load(path string) (*Scenario, error) { return LoadTarget(path, "") }

// LoadTarget is Load with the target URL replaced by url when url is not empty (`thaw
// run --target URL`): the url written in the file is then ignored, so an unset
// ${TARGET_URL} in it is not a problem, and the new url is validated instead. For a
// lambda target, url replaces target.endpoint.
func LoadTarget(path, url string) (*Scenario, error) {
	sc, err := Parse(path)
	problems := Problems(err)
	if url != "" && sc != nil {
		field := "target.url"
		if sc.Target.Kind == LambdaKind {
			field, sc.Target.Endpoint = "target.endpoint", url // the Invoke API of an emulator
		} else {
			sc.Target.URL = url
		}
		delete(sc.decodeFailed, field)
		problems = dropPath(problems, field)
	}
	if sc != nil {
		problems = append(problems, Problems(sc.Validate())...)
		if len(problems) == 0 { // trace files are read only once the scenario is sound
			problems = sc.LoadTraces()
		}
	}
	SortProblems(problems)
	return sc, errors.Join(problems...)
}

// SortProblems orders problems by file position (those without one first), keeping
// the order of problems at the same position.
func SortProblems(problems []error) {
	sort.SliceStable(problems, func(i, j int) bool {
		return positionOf(problems[i]).Less(positionOf(problems[j]))
	})
}

func positionOf(err error) Position {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Pos
	}
	return Position{}
}

// dropPath removes the problems about the field at path.
func dropPath(problems []error, path string) []error {
	var out []error
	for _, p := range problems {
		var fe *FieldError
		if errors.As(p, &fe) && fe.Path == path {
			continue
		}
		out = append(out, p)
	}
	return out
}
