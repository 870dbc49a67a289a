// Command measure runs a command and reports its wall time, CPU time and
// peak resident set size (from the kernel's rusage of the child), so the
// benchmark script needs neither GNU time nor /proc polling.
//
//	go run ./bench/measure -- marktstem score corpus.jsonl
//
// It prints one JSON object on stderr: {"wall_s":…, "user_s":…,
// "sys_s":…, "max_rss_kb":…, "exit":…}.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure -- COMMAND [ARG…]")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	out := map[string]any{"wall_s": wall.Seconds(), "exit": code}
	if ru != nil {
		out["user_s"] = time.Duration(ru.Utime.Nano()).Seconds()
		out["sys_s"] = time.Duration(ru.Stime.Nano()).Seconds()
		out["max_rss_kb"] = ru.Maxrss // kilobytes on Linux
	}
	json.NewEncoder(os.Stderr).Encode(out)
	os.Exit(code)
}
