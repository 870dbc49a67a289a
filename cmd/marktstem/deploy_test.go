package main

import (
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// shellWords splits a command line like a shell would for our purposes:
// quotes group words, and "$(…)" stays one word.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quote, depth, in := byte(0), 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote && depth == 0 {
				quote = 0
				continue
			}
			if c == '(' && i > 0 && s[i-1] == '$' {
				depth++
			} else if c == ')' && depth > 0 {
				depth--
			}
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// checkScoreCommand parses the marktstem score command in line with the
// real flag set, so a renamed flag breaks the deploy examples' test.
func checkScoreCommand(t *testing.T, name, line string) {
	t.Helper()
	i := strings.Index(line, "marktstem score ")
	if i < 0 {
		t.Fatalf("%s: no `marktstem score` command", name)
	}
	words := shellWords(line[i+len("marktstem score "):])
	if j := indexOf(words, ">>"); j >= 0 {
		words = words[:j]
	}
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f scoreFlags
	f.register(fs)
	inputs, err := parseArgs(fs, words)
	if err != nil {
		t.Fatalf("%s: %v (args %q)", name, err, words)
	}
	if len(inputs) != 1 || f.date == "" || f.pushgateway == "" || f.format != "parquet" {
		t.Errorf("%s: got inputs %q, date %q, pushgateway %q, format %q; want one input, --date, --pushgateway, parquet",
			name, inputs, f.date, f.pushgateway, f.format)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// checkSchedule checks a five-field cron schedule.
func checkSchedule(t *testing.T, name string, fields []string) {
	t.Helper()
	bounds := [][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}
	if len(fields) != 5 {
		t.Fatalf("%s: schedule has %d fields, want 5", name, len(fields))
	}
	for i, fv := range fields {
		if fv == "*" {
			continue
		}
		v, err := strconv.Atoi(fv)
		if err != nil || v < bounds[i][0] || v > bounds[i][1] {
			t.Errorf("%s: schedule field %d %q out of range %v", name, i, fv, bounds[i])
		}
	}
}

func TestDeployCron(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "cron", "marktstem.cron"))
	if err != nil {
		t.Fatal(err)
	}
	jobs := 0
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.Contains(strings.SplitN(line, " ", 2)[0], "=") {
			continue
		}
		jobs++
		f := strings.Fields(line)
		checkSchedule(t, "cron", f[:5])
		if f[5] != "marktstem" {
			t.Errorf("cron: user field %q, want marktstem (/etc/cron.d format)", f[5])
		}
		if strings.Contains(strings.ReplaceAll(line, `\%`, ""), "%") {
			t.Errorf("cron: unescaped %% (cron turns it into a newline)")
		}
		checkScoreCommand(t, "cron", strings.ReplaceAll(line, `\%`, "%"))
	}
	if jobs != 1 {
		t.Errorf("cron: got %d jobs, want 1", jobs)
	}
}

func TestDeployKubernetes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "k8s", "cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cj struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string
		Spec       struct {
			Schedule          string
			TimeZone          string `yaml:"timeZone"`
			ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
			JobTemplate       struct {
				Spec struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Command []string
								Args    []string
							}
						}
					}
				}
			} `yaml:"jobTemplate"`
		}
	}
	if err := yaml.Unmarshal(data, &cj); err != nil {
		t.Fatalf("cronjob.yaml: %v", err)
	}
	if cj.APIVersion != "batch/v1" || cj.Kind != "CronJob" || cj.Spec.ConcurrencyPolicy != "Forbid" || cj.Spec.TimeZone == "" {
		t.Errorf("cronjob.yaml: got %s %s, concurrency %q, time zone %q", cj.APIVersion, cj.Kind, cj.Spec.ConcurrencyPolicy, cj.Spec.TimeZone)
	}
	checkSchedule(t, "k8s", strings.Fields(cj.Spec.Schedule))
	cs := cj.Spec.JobTemplate.Spec.Template.Spec.Containers
	if len(cs) != 1 || len(cs[0].Args) != 1 {
		t.Fatalf("cronjob.yaml: want one container with one shell script, got %+v", cs)
	}
	checkScoreCommand(t, "k8s", cs[0].Args[0])
}

func TestDeploySystemd(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy", "systemd")
	service, err := os.ReadFile(filepath.Join(dir, "marktstem-nightly.service"))
	if err != nil {
		t.Fatal(err)
	}
	var start string
	for _, line := range strings.Split(string(service), "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			start = v
		}
	}
	if start == "" {
		t.Fatal("service: no ExecStart")
	}
	// systemd unescapes %% to %; the shell then sees the command.
	checkScoreCommand(t, "systemd", strings.ReplaceAll(start, "%%", "%"))
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed; the units were parsed only")
	}
	tmp := t.TempDir()
	for _, name := range []string{"marktstem-nightly.service", "marktstem-nightly.timer"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		// verify checks that executables exist; the binary is not installed here.
		data = []byte(strings.ReplaceAll(string(data), "/usr/local/bin/marktstem", "/bin/true"))
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCmd(analyze, "verify", filepath.Join(tmp, "marktstem-nightly.service"), filepath.Join(tmp, "marktstem-nightly.timer"))
	if err != nil || len(strings.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
