// Package ci holds thaw's CI integrations as files, not Go code: the GitHub Action
// (action.yml, a composite action that installs thaw with go install, runs a
// scenario, gates it against a baseline and uploads the run directory) and the GitLab
// CI template (thaw.gitlab-ci.yml), with worked examples in examples/. The package's
// tests check that these files stay consistent (see README.md).
package ci
