#!/usr/bin/python3
"""PyTorch (CPU, float64, one thread) training the spec's network with
torch.optim.SGD ("backprop") or torch.optim.Rprop ("irprop-").

Mapping to optbench:
  - network: one torch.nn.Linear(in, out, bias=...) per layer, followed by
    torch.nn.Sigmoid for sigmoid layers. Linear.weight is (out, in) and its
    bias (out,), so model.parameters() flattened in order is optbench's
    layout (per layer: W row-major, then b).
  - loss: torch.nn.MSELoss(reduction="mean") is the mean over samples and
    outputs of (ŷ − y)², optbench's E exactly (no ½), so SGD's lr is
    optbench's η unchanged.
  - Rprop: torch.optim.Rprop implements iRprop− (on a sign change the step
    shrinks and the gradient is zeroed, so the weight does not move); its
    initial step is its lr: lr = Δ0, etas = (η−, η+), step_sizes = (Δmin, Δmax).

Usage: /usr/bin/python3 torch_peer.py SPEC.json  — prints one JSON line.
"""

import json
import sys

import peerspec

peerspec.pin_threads()
import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def build(spec):
    mods, linears = [], []
    for (w, b), (n_in, n_out, act, bias) in zip(peerspec.unflatten(spec["init"], spec), peerspec.layers(spec)):
        lin = torch.nn.Linear(n_in, n_out, bias=bias)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w, dtype=torch.float64))
            if bias:
                lin.bias.copy_(torch.tensor(b, dtype=torch.float64))
        mods.append(lin)
        linears.append(lin)
        if act == "sigmoid":
            mods.append(torch.nn.Sigmoid())
        elif act == "tanh":
            mods.append(torch.nn.Tanh())
        elif act != "linear":
            raise SystemExit("torch_peer: unsupported activation " + act)
    return torch.nn.Sequential(*mods)


def flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).tolist()


def optimizer(spec, params):
    if spec["optimizer"] == "backprop":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0))
    if spec["optimizer"] == "irprop-":
        return torch.optim.Rprop(params, lr=spec["delta0"], etas=(spec["eta_minus"], spec["eta_plus"]),
                                 step_sizes=(spec["delta_min"], spec["delta_max"]))
    raise SystemExit("torch_peer: unsupported optimizer " + spec["optimizer"])


def train(spec, iters, rec=None):
    n = spec["n"]
    X = torch.tensor(spec["x"], dtype=torch.float64).reshape(n, spec["sizes"][0])
    Y = torch.tensor(spec["y"], dtype=torch.float64).reshape(n, spec["sizes"][-1])
    model = build(spec)
    opt = optimizer(spec, model.parameters())
    loss_fn = torch.nn.MSELoss(reduction="mean")
    t0 = peerspec.now_ns()
    for it in range(1, iters + 1):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
        if rec is not None and rec.wants(it):
            rec.take(it, flat(model))
    t1 = peerspec.now_ns()
    with torch.no_grad():
        final = loss_fn(model(X), Y).item()
    return flat(model), final, t1 - t0


def scale(spec):
    """The scaling comparison (spec mode "scale"): ns per full-batch SGD
    epoch (zero_grad, forward, mse_loss, backward, step) of the spec's
    network on its data, from its start, median of spec["runs"] runs of
    spec["epochs"] epochs; and the loss after the epochs."""
    import numpy as np
    n, sizes = spec["n"], spec["sizes"]
    X = torch.from_numpy(np.fromfile(spec["x_file"], dtype="<f8").reshape(n, sizes[0]))
    Y = torch.from_numpy(np.fromfile(spec["y_file"], dtype="<f8").reshape(n, sizes[-1]))
    init = np.fromfile(spec["init_file"], dtype="<f8")

    def model_at_start():
        mods, off = [], 0
        for (n_in, n_out, act, bias) in peerspec.layers(spec):
            lin = torch.nn.Linear(n_in, n_out, bias=bias)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(init[off:off + n_in * n_out].reshape(n_out, n_in)))
                off += n_in * n_out
                if bias:
                    lin.bias.copy_(torch.from_numpy(init[off:off + n_out]))
                    off += n_out
            mods.append(lin)
            mods.append({"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}[act]())
        return torch.nn.Sequential(*mods)

    loss_fn = torch.nn.MSELoss(reduction="mean")
    ns, final = [], None
    for _ in range(spec["runs"]):
        model = model_at_start()
        opt = torch.optim.SGD(model.parameters(), lr=spec["lr"])
        t0 = peerspec.now_ns()
        for _ in range(spec["epochs"]):
            opt.zero_grad()
            loss = loss_fn(model(X), Y)
            loss.backward()
            opt.step()
        ns.append((peerspec.now_ns() - t0) / spec["epochs"])
        with torch.no_grad():
            final = loss_fn(model(X), Y).item()
    line = {"peer": "torch", "version": "torch %s, %s" % (torch.__version__, peerspec.python_version()),
            "size": spec["size"], "epochs": spec["epochs"], "ns_per_epoch": peerspec.median(ns), "ns_runs": ns,
            "final_loss": final}
    sys.stdout.write(json.dumps(line) + "\n")


def main():
    spec = peerspec.load(sys.argv[1])
    if spec.get("mode") == "scale":
        scale(spec)
        return
    iters = spec["iterations"]
    rec = peerspec.Recorder(spec)
    params, loss, _ = train(spec, iters, rec)
    ns = peerspec.timed_runs(spec, lambda: train(spec, iters)[2])
    what = "torch.optim.SGD(lr=%r)" % spec["lr"] if spec["optimizer"] == "backprop" else \
        "torch.optim.Rprop(lr=%r, etas=(%r, %r), step_sizes=(%r, %r))" % (
            spec["delta0"], spec["eta_minus"], spec["eta_plus"], spec["delta_min"], spec["delta_max"])
    peerspec.emit(spec, "torch", "torch %s, %s" % (torch.__version__, peerspec.python_version()),
                  ns, loss, params, rec,
                  [what, "MSELoss(reduction='mean'), float64, torch.set_num_threads(1)"])


if __name__ == "__main__":
    main()
