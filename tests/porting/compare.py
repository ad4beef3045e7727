#!/usr/bin/env python3
"""Runs one porting-suite program built against nabla and compares what it prints with LibTorch's record
(tests/reference/fixtures/porting/<name>.txt, made by tests/reference/record_porting.sh).

Lines must match word for word once numbers are set aside. Numbers on the first 20 training steps ("step N ..." with
N < 20) and everything printed before the first step must agree within 1e-4 relative (1e-6 absolute); later lines
(later steps, epoch means, final weights, accuracies) within float-rounding drift: 3e-2 relative or 2e-3 absolute.
--exact-steps N moves the boundary from 20 to N steps, for a program whose training amplifies rounding (the GAN).
usage: compare.py [--exact-steps N] PROGRAM RECORD [program arguments...]
"""
import re
import subprocess
import sys

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def lines_of(text):
    return [l.rstrip() for l in text.splitlines() if l.strip() and not l.startswith("#")]


def main():
    args = sys.argv[1:]
    exact_steps = 20
    if args[0] == "--exact-steps":
        exact_steps, args = int(args[1]), args[2:]
    program, record = args[0], args[1]
    run = subprocess.run([program] + args[2:], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        print(run.stdout + run.stderr)
        print(f"FAIL: {program} exited with {run.returncode}")
        return 1
    got, want = lines_of(run.stdout), lines_of(open(record).read())
    if len(got) != len(want):
        print(run.stdout)
        print(f"FAIL: {len(got)} lines printed, LibTorch printed {len(want)}")
        return 1
    worst_early = worst_late = 0.0
    failures = 0
    seen_step = False
    for i, (g, w) in enumerate(zip(got, want)):
        if NUMBER.sub("#", g) != NUMBER.sub("#", w):
            print(f"line {i + 1} differs in its words:\n  nabla:    {g}\n  LibTorch: {w}")
            failures += 1
            continue
        m = re.match(r"step (\d+)\b", w)
        seen_step = seen_step or m is not None
        early = (m is not None and int(m.group(1)) < exact_steps) or not seen_step
        for gs, ws in zip(NUMBER.findall(g), NUMBER.findall(w)):
            a, b = float(gs), float(ws)
            err = abs(a - b)
            rel = err / max(abs(b), 1e-30)
            if early:
                worst_early = max(worst_early, rel if abs(b) > 1e-2 else err)
                ok = err <= 1e-6 or rel <= 1e-4
            else:
                worst_late = max(worst_late, min(rel, err))
                ok = err <= 2e-3 or rel <= 3e-2
            if not ok:
                print(f"line {i + 1}: {a} against LibTorch's {b} ({'first steps' if early else 'later'})\n"
                      f"  nabla:    {g}\n  LibTorch: {w}")
                failures += 1
    print(f"{len(got)} lines; first steps: largest difference {worst_early:.2e}; later: {worst_late:.2e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
