// Package k8s holds thaw's Kubernetes manifests as files, not Go code: an Indexed Job
// that runs one segment of a scenario per pod (job.yaml), the scenario and start time
// as ConfigMaps (configmap.yaml), a volume for the results (pvc.yaml) and a pod to copy
// them out (collector.yaml). README.md walks through a run and `thaw merge`. The
// package's test decodes every manifest into the Kubernetes API types and checks the
// fields thaw relies on.
package k8s
