#!/usr/bin/env python3
"""Run the guest-test scenarios (guest-tests/*/scenario) in Bochs and judge them.

usage: scenarios.py [--bare] [-j N] [PATTERN ...]
  PATTERN  shell-style patterns on scenario names (default: all)
  --bare   boot each kernel directly, without the hypervisor; only scenarios with a
           bare-status line run, judged on that status alone
  -j N     parallel runs (default: nproc)

Scenario file, one directive per line ('#' starts a comment):
  args <text>            guest command line after the kernel's name
  modules <file> ...     guest modules, relative to the scenario folder, in order
  hv-args <text>         hypervisor command line
  policy <file>          policy module, relative to the scenario folder
  cpus <n> / mem <MiB>   machine (default 1 CPU, 128 MiB)
  timeout <seconds>      default 60
  expect-status <n>      status under the hypervisor (see scripts/bochs-run.sh)
  bare-status <n>        status of a bare run (absent: skipped by --bare)
  want <regex>           must match a transcript line (Python re, multiline)
  reject <regex>         must match no transcript line
Each run writes build/runs/<name>[.bare]/ (boot.iso, bochsrc, serial.log, bochs.log);
concurrent invocations take turns (lock build/runs/.scenarios.lock).
Prints PASS/FAIL/SKIP per scenario and ends with "N passed, N failed".
"""
import argparse
import concurrent.futures
import fcntl
import fnmatch
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTS = ("want", "reject")
SINGLE = ("args", "modules", "hv-args", "policy", "cpus", "mem", "timeout",
          "expect-status", "bare-status")


def parse(path):
    sc = {"want": [], "reject": [], "args": "", "modules": "", "hv-args": "",
          "policy": "", "cpus": "1", "mem": "128", "timeout": "60"}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition(" ")
            value = value.strip()
            if key in LISTS:
                re.compile(value)
                sc[key].append(value)
            elif key in SINGLE:
                sc[key] = value
            else:
                raise ValueError(f"{path}:{n}: unknown directive '{key}'")
    if "expect-status" not in sc:
        raise ValueError(f"{path}: no expect-status")
    return sc


def run(name, sc, bare):
    folder = os.path.join(ROOT, "guest-tests", name)
    out = os.path.join(ROOT, "build", "runs", name + (".bare" if bare else ""))
    os.makedirs(out, exist_ok=True)
    iso = os.path.join(out, "boot.iso")
    cmd = ["bash", os.path.join(ROOT, "scripts/mkiso.sh"), iso,
           os.path.join(ROOT, "build/guests", name + ".elf"), "--args", sc["args"]]
    for m in sc["modules"].split():
        cmd += ["--module", os.path.join(folder, m)]
    if bare:
        cmd.append("--bare")
    else:
        cmd += ["--hv", os.path.join(ROOT, "build/bulwark.elf"), "--hv-args", sc["hv-args"]]
        if sc["policy"]:
            cmd += ["--policy", os.path.join(folder, sc["policy"])]
    mk = subprocess.run(cmd, capture_output=True, text=True)
    if mk.returncode:
        return f"mkiso failed: {mk.stderr.strip()}", ""
    mode = "bare" if bare else "hv"
    with open(os.path.join(out, "run.log"), "w") as log:
        status = subprocess.run(
            ["bash", os.path.join(ROOT, "scripts/bochs-run.sh"), iso, out, sc["cpus"],
             sc["mem"], sc["timeout"], mode], stdout=log, stderr=log).returncode
    with open(os.path.join(out, "serial.log"), errors="replace") as f:
        transcript = f.read().replace("\r", "")
    want_status = int(sc["bare-status" if bare else "expect-status"])
    problems = [] if status == want_status else [f"status {status}, want {want_status}"]
    if not bare:
        problems += [f"missing /{w}/" for w in sc["want"]
                     if not re.search(w, transcript, re.M)]
        for r in sc["reject"]:
            m = re.search(r, transcript, re.M)
            if m:
                problems.append(f"rejected /{r}/ matched: {m.group(0)[:80]}")
    return "; ".join(problems), transcript


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bare", action="store_true")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("patterns", nargs="*")
    a = ap.parse_args()
    tests = os.path.join(ROOT, "guest-tests")
    names = sorted(d for d in os.listdir(tests)
                   if os.path.isfile(os.path.join(tests, d, "scenario")))
    if a.patterns:
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in a.patterns)]
    os.makedirs(os.path.join(ROOT, "build", "runs"), exist_ok=True)
    lock = open(os.path.join(ROOT, "build", "runs", ".scenarios.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another scenarios.py run to finish", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    passed = failed = skipped = 0
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max(1, a.j)) as pool:
        for n in names:
            try:
                sc = parse(os.path.join(tests, n, "scenario"))
            except (ValueError, re.error) as e:
                print(f"FAIL {n}: bad scenario: {e}", flush=True)
                failed += 1
                continue
            if a.bare and "bare-status" not in sc:
                print(f"SKIP {n}: no bare-status", flush=True)
                skipped += 1
                continue
            jobs[pool.submit(lambda n=n, sc=sc: (time.time(), run(n, sc, a.bare)))] = n
        for fut in concurrent.futures.as_completed(jobs):
            n = jobs[fut]
            start, (problem, transcript) = fut.result()
            secs = time.time() - start
            if problem:
                failed += 1
                print(f"FAIL {n}: {problem} ({secs:.1f}s)")
                for line in transcript.splitlines()[-15:]:
                    print(f"    | {line}")
            else:
                passed += 1
                print(f"PASS {n} ({secs:.1f}s)")
            sys.stdout.flush()
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
