// Package ci holds thaw's CI integrations: the GitHub Action (action.yml, a composite
// action that installs thaw with go install, runs a scenario, gates it against a
// baseline, uploads the run directory and publishes the JUnit file) and the GitLab CI
// template (thaw.gitlab-ci.yml), with worked examples in examples/. The only Go code
// is ReadAction, which reads action.yml for the tests that check these files stay
// consistent and for cmd/thaw's test that runs the action's shell steps (see
// README.md).
package ci
