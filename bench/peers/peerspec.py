"""Shared plumbing of the Python peers: read the JSON spec the Go driver
writes, map optbench's flat parameter vector to per-layer arrays, record the
trajectory and print the result line.

optbench's layout (optim/network.go): per layer, the out×in weights row by
row (the weights into neuron 0, then into neuron 1, ...), then the out biases
if the layer has them. That is exactly torch.nn.Linear's weight (out, in)
followed by its bias, flattened in order.
"""

import json
import os
import sys
import time

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pin_threads():
    """One thread for BLAS/OpenMP; must run before numpy or torch is imported."""
    for v in THREAD_VARS:
        os.environ.setdefault(v, "1")


def load(path):
    with open(path) as f:
        return json.load(f)


def layers(spec):
    """(n_in, n_out, activation, has_bias) per layer."""
    s = spec["sizes"]
    return [(s[l], s[l + 1], spec["acts"][l], bool(spec["bias"][l])) for l in range(len(s) - 1)]


def unflatten(theta, spec):
    """Per layer: (W as a list of out rows of in values, b or None)."""
    out, off = [], 0
    for n_in, n_out, _, bias in layers(spec):
        w = [theta[off + o * n_in: off + (o + 1) * n_in] for o in range(n_out)]
        off += n_in * n_out
        b = None
        if bias:
            b = theta[off: off + n_out]
            off += n_out
        out.append((w, b))
    if off != len(theta):
        raise SystemExit("peer: init has %d values, network needs %d" % (len(theta), off))
    return out


class Recorder:
    """Keeps the parameters after iterations 1..k and at the checkpoints."""

    def __init__(self, spec):
        self.k = spec["k"]
        self.checkpoints = spec["checkpoints"]
        self.want = set(self.checkpoints)
        self.after_k = []
        self.at = {}

    def wants(self, it):
        return it <= self.k or it in self.want

    def take(self, it, params):
        if it <= self.k:
            self.after_k.append(list(params))
        if it in self.want:
            self.at[it] = list(params)

    def fields(self):
        return {
            "params_after_k": self.after_k,
            "checkpoint_iters": self.checkpoints,
            "checkpoint_params": [self.at[i] for i in self.checkpoints],
        }


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def now_ns():
    return time.perf_counter_ns()


def timed_runs(spec, train_once):
    """ns per iteration of spec["runs"] timed runs. train_once() trains
    spec["iterations"] iterations from the start and returns the ns its
    training loop took; a timed run repeats it until the loops add up to
    spec["min_run_ns"] (the Python peers need one repetition)."""
    out = []
    for _ in range(spec["runs"]):
        loop, iters = 0, 0
        while loop < spec["min_run_ns"]:
            loop += train_once()
            iters += spec["iterations"]
        out.append(loop / iters)
    return out


def emit(spec, peer, version, ns_runs, final_loss, final_params, rec, notes, **extra):
    line = {
        "peer": peer,
        "version": version,
        "problem": spec["problem"],
        "optimizer": spec["optimizer"],
        "iterations": spec["iterations"],
        "ns_per_iter": median(ns_runs),
        "ns_runs": ns_runs,
        "final_loss": final_loss,
        "final_params": list(final_params),
    }
    line.update(rec.fields())
    line["notes"] = notes
    line.update(extra)
    sys.stdout.write(json.dumps(line) + "\n")


def python_version():
    return "Python %d.%d.%d" % sys.version_info[:3]
