#!/usr/bin/python3
"""The tutorial's numpy backprop loop, generalised to the spec's layers.

The tutorial ("A Neural Network in 11 lines of Python") trains seed3 with

    l1 = nonlin(np.dot(l0, syn0))
    l1_error = y - l1
    l1_delta = l1_error * nonlin(l1, deriv=True)
    syn0 += np.dot(l0.T, l1_delta)

i.e. full-batch gradient descent with step 1 on ½·Σ(y − ŷ)². optbench's loss
is the mean E = 1/(N·K)·Σ(y − ŷ)² (no ½), whose gradient is 2/(N·K) times
the tutorial's, so optbench's rate η is the tutorial's step scaled by

    c = 2·η/(N·K)

and on seed3 (η = 2, N = 4, K = 1) c = 1.0: the loop below is then literally
the tutorial's (multiplying by 1.0 is exact). syn_l is the tutorial's in×out
matrix, the transpose of optbench's out×in W; biases (which the tutorial's
seed3 does not have) are a row vector added after the product. As in the
tutorial's two-layer version, every layer's error is propagated with the
weights of this iteration before any weight changes.

Usage: /usr/bin/python3 numpy_loop.py SPEC.json  — prints one JSON line.
"""

import json
import sys

import peerspec

peerspec.pin_threads()
import numpy as np  # noqa: E402


def nonlin(x, deriv=False):
    """The tutorial's sigmoid; with deriv, x is already σ(z)."""
    if deriv:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


def train(spec, iters, rec=None):
    """Runs iters iterations from spec["init"]; returns (params, loss, ns)."""
    n, layers = spec["n"], peerspec.layers(spec)
    n_in, n_out = spec["sizes"][0], spec["sizes"][-1]
    X = np.array(spec["x"], dtype=np.float64).reshape(n, n_in)
    y = np.array(spec["y"], dtype=np.float64).reshape(n, n_out)
    syn, bias, sig = [], [], []
    for (w, b), (_, _, act, _) in zip(peerspec.unflatten(spec["init"], spec), layers):
        if act not in ("sigmoid", "linear"):
            raise SystemExit("numpy_loop: unsupported activation " + act)
        syn.append(np.array(w, dtype=np.float64).T.copy())
        bias.append(None if b is None else np.array(b, dtype=np.float64))
        sig.append(act == "sigmoid")
    c = 2.0 * spec["lr"] / (n * n_out)
    L = len(syn)

    def flat():
        out = []
        for s, b in zip(syn, bias):
            out.extend(s.T.ravel().tolist())
            if b is not None:
                out.extend(b.tolist())
        return out

    t0 = peerspec.now_ns()
    for it in range(1, iters + 1):
        l = [X]
        for j in range(L):
            z = np.dot(l[j], syn[j])
            if bias[j] is not None:
                z = z + bias[j]
            l.append(nonlin(z) if sig[j] else z)
        error = y - l[L]
        for j in range(L - 1, -1, -1):
            delta = error * nonlin(l[j + 1], deriv=True) if sig[j] else error
            if j > 0:
                error = delta.dot(syn[j].T)
            syn[j] += c * np.dot(l[j].T, delta)
            if bias[j] is not None:
                bias[j] += c * delta.sum(axis=0)
        if rec is not None and rec.wants(it):
            rec.take(it, flat())
    t1 = peerspec.now_ns()

    out = X
    for j in range(L):
        z = np.dot(out, syn[j])
        if bias[j] is not None:
            z = z + bias[j]
        out = nonlin(z) if sig[j] else z
    loss = float(np.mean((y - out) ** 2))
    return flat(), loss, t1 - t0


def scale(spec):
    """The scaling comparison (spec mode "scale"): ns per epoch of the
    tutorial's loop, with tanh hidden units (derivative 1 − y²), on the
    spec's network and data from its start, median of spec["runs"] runs of
    spec["epochs"] epochs; and the loss after the epochs."""
    n, sizes = spec["n"], spec["sizes"]
    X = np.fromfile(spec["x_file"], dtype="<f8").reshape(n, sizes[0])
    y = np.fromfile(spec["y_file"], dtype="<f8").reshape(n, sizes[-1])
    init = np.fromfile(spec["init_file"], dtype="<f8")
    layers = peerspec.layers(spec)
    c = 2.0 * spec["lr"] / (n * sizes[-1])

    def start():
        syn, bias, off = [], [], 0
        for (n_in, n_out, _, has_bias) in layers:
            syn.append(init[off:off + n_in * n_out].reshape(n_out, n_in).T.copy())
            off += n_in * n_out
            b = None
            if has_bias:
                b = init[off:off + n_out].copy()
                off += n_out
            bias.append(b)
        return syn, bias

    def forward(syn, bias):
        l = [X]
        for j, (_, _, act, _) in enumerate(layers):
            z = np.dot(l[j], syn[j])
            if bias[j] is not None:
                z += bias[j]
            l.append(np.tanh(z) if act == "tanh" else nonlin(z))
        return l

    ns, final = [], None
    for _ in range(spec["runs"]):
        syn, bias = start()
        t0 = peerspec.now_ns()
        for _ in range(spec["epochs"]):
            l = forward(syn, bias)
            error = y - l[-1]
            for j in range(len(layers) - 1, -1, -1):
                out = l[j + 1]
                delta = error * (1 - out * out if layers[j][2] == "tanh" else nonlin(out, deriv=True))
                if j > 0:
                    error = delta.dot(syn[j].T)
                syn[j] += c * np.dot(l[j].T, delta)
                if bias[j] is not None:
                    bias[j] += c * delta.sum(axis=0)
        ns.append((peerspec.now_ns() - t0) / spec["epochs"])
        final = float(np.mean((y - forward(syn, bias)[-1]) ** 2))
    line = {"peer": "numpy", "version": "numpy %s, %s" % (np.__version__, peerspec.python_version()),
            "size": spec["size"], "epochs": spec["epochs"], "ns_per_epoch": peerspec.median(ns), "ns_runs": ns,
            "final_loss": final}
    sys.stdout.write(json.dumps(line) + "\n")


def main():
    spec = peerspec.load(sys.argv[1])
    if spec.get("mode") == "scale":
        scale(spec)
        return
    if spec["optimizer"] != "backprop" or spec.get("momentum", 0) != 0:
        raise SystemExit("numpy_loop: only plain backprop")
    iters = spec["iterations"]
    rec = peerspec.Recorder(spec)
    params, loss, _ = train(spec, iters, rec)
    ns = peerspec.timed_runs(spec, lambda: train(spec, iters)[2])
    c = 2.0 * spec["lr"] / (spec["n"] * spec["sizes"][-1])
    peerspec.emit(spec, "numpy", "numpy %s, %s" % (np.__version__, peerspec.python_version()),
                  ns, loss, params, rec,
                  ["tutorial update syn += c*l.T.dot(delta) with c = 2*lr/(N*K) = %r" % c])


if __name__ == "__main__":
    main()
