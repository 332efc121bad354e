package k8s_test

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/thaw-dev/thaw/scenarios"
)

// decode reads the YAML documents of file strictly (unknown fields are errors) into
// the Kubernetes types out, in order.
func decode(t *testing.T, file string, out ...any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	docs := regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1)
	if len(docs) != len(out) {
		t.Fatalf("%s: %d documents, want %d", file, len(docs), len(out))
	}
	for i, doc := range docs {
		if err := yaml.UnmarshalStrict([]byte(doc), out[i]); err != nil {
			t.Fatalf("%s document %d: %v", file, i+1, err)
		}
	}
}

// TestManifests decodes every manifest into the Kubernetes API types and checks what
// the walk-through relies on: an Indexed Job whose completions, parallelism and
// SEGMENTS agree, whose pods turn JOB_COMPLETION_INDEX into --segment and share the
// start time; the ConfigMaps and the volume they mount exist under those names; and
// the scenario in the ConfigMap is a valid thaw scenario.
func TestManifests(t *testing.T) {
	var job batchv1.Job
	decode(t, "job.yaml", &job)
	var scenario, run corev1.ConfigMap
	decode(t, "configmap.yaml", &scenario, &run)
	var pvc corev1.PersistentVolumeClaim
	decode(t, "pvc.yaml", &pvc)
	var collector corev1.Pod
	decode(t, "collector.yaml", &collector)

	for _, k := range []struct{ got, want string }{
		{job.APIVersion + " " + job.Kind, "batch/v1 Job"},
		{scenario.Kind + " " + run.Kind + " " + pvc.Kind + " " + collector.Kind, "ConfigMap ConfigMap PersistentVolumeClaim Pod"},
	} {
		if k.got != k.want {
			t.Errorf("kinds %q, want %q", k.got, k.want)
		}
	}
	spec := job.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode %v, want Indexed", spec.CompletionMode)
	}
	if spec.Completions == nil || spec.Parallelism == nil || *spec.Completions != *spec.Parallelism || *spec.Completions < 2 {
		t.Fatalf("completions %v parallelism %v: want the same number of segments", spec.Completions, spec.Parallelism)
	}
	if spec.BackoffLimit == nil || *spec.BackoffLimit != 0 {
		t.Errorf("backoffLimit %v, want 0 (a retried segment would start late)", spec.BackoffLimit)
	}
	pod := spec.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever || len(pod.Containers) != 1 {
		t.Fatalf("restartPolicy %q, %d containers", pod.RestartPolicy, len(pod.Containers))
	}
	c := pod.Containers[0]
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if env["SEGMENTS"].Value != strconv.Itoa(int(*spec.Completions)) {
		t.Errorf("SEGMENTS %q, want %d (completions)", env["SEGMENTS"].Value, *spec.Completions)
	}
	for name, key := range map[string]string{"START_AT": "start_at", "TARGET_URL": "target_url"} {
		ref := env[name].ValueFrom
		if ref == nil || ref.ConfigMapKeyRef == nil || ref.ConfigMapKeyRef.Name != run.Name || run.Data[ref.ConfigMapKeyRef.Key] == "" || ref.ConfigMapKeyRef.Key != key {
			t.Errorf("%s must come from ConfigMap %s key %s", name, run.Name, key)
		}
	}
	script := strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
	for _, want := range []string{"$((JOB_COMPLETION_INDEX + 1))", `--segment "${i}/${SEGMENTS}"`, `--start-at "${START_AT}"`,
		"thaw run /scenario/scenario.yaml", `--out "/results/seg-${i}"`} {
		if !strings.Contains(script, want) {
			t.Errorf("container command lacks %s:\n%s", want, script)
		}
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	if mounts["scenario"] != "/scenario" || vols["scenario"].ConfigMap == nil || vols["scenario"].ConfigMap.Name != scenario.Name {
		t.Errorf("the scenario ConfigMap %s must be mounted at /scenario", scenario.Name)
	}
	for what, v := range map[string]corev1.Volume{"job": vols["results"], "collector": collector.Spec.Volumes[0]} {
		if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvc.Name {
			t.Errorf("%s: results volume must be the claim %s", what, pvc.Name)
		}
	}
	if mounts["results"] != "/results" || collector.Spec.Containers[0].VolumeMounts[0].MountPath != "/results" {
		t.Errorf("results mounted at %q and %q, want /results in both", mounts["results"], collector.Spec.Containers[0].VolumeMounts[0].MountPath)
	}

	lookup := func(name string) (string, bool) {
		if name == "TARGET_URL" {
			return run.Data["target_url"], true
		}
		return "", false
	}
	sc, err := scenarios.ParseBytes("configmap.yaml#scenario.yaml", []byte(scenario.Data["scenario.yaml"]), lookup)
	if err == nil {
		err = sc.Validate()
	}
	if err != nil {
		t.Errorf("the scenario in %s is not valid: %v", scenario.Name, err)
	}
}

// TestReadmeCommands: the walk-through applies every manifest and merges what the Job
// wrote.
func TestReadmeCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kubectl apply -f configmap.yaml", "kubectl apply -f pvc.yaml", "kubectl apply -f job.yaml",
		"kubectl wait", "kubectl cp thaw-collector:/results", "thaw merge"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("README.md lacks %q", want)
		}
	}
}
