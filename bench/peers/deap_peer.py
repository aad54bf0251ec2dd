#!/usr/bin/python3
"""DEAP's GA operators training the spec's network weights, one generation
per iteration, set up like optbench's GA (optim/genetic.go):

  - population P, the first individual the spec's init, the others uniform
    in [-init_range, init_range] (Python's random, seeded from the spec);
  - each generation keeps the `elite` best unchanged (tools.selBest; DEAP's
    eaSimple has no elitism, optbench's GA has), then fills the rest with
    tools.selTournament(tournsize) parents, paired and recombined with
    probability `crossover` by tools.cxBlend(alpha), every child mutated by
    tools.mutGaussian(mu=0, sigma, indpb=mutation);
  - only children that changed are evaluated (the fitness is the MSE, a
    numpy forward pass over all samples).

cxBlend draws one γ per gene for both children (c1 = (1−γ)x1 + γx2,
c2 = γx1 + (1−γ)x2); optbench draws each child's gene independently from the
same BLX-α interval. The random streams differ, so only the time per
generation and the quality reached are comparable, not trajectories.

Usage: /usr/bin/python3 deap_peer.py SPEC.json  — prints one JSON line.
"""

import random
import sys

import peerspec

peerspec.pin_threads()
import deap  # noqa: E402
import numpy as np  # noqa: E402
from deap import base, creator, tools  # noqa: E402

creator.create("FitnessMin", base.Fitness, weights=(-1.0,))
creator.create("Individual", list, fitness=creator.FitnessMin)


def make_loss(spec):
    n, layers = spec["n"], peerspec.layers(spec)
    X = np.array(spec["x"], dtype=np.float64).reshape(n, spec["sizes"][0])
    Y = np.array(spec["y"], dtype=np.float64).reshape(n, spec["sizes"][-1])
    plan, off = [], 0
    for n_in, n_out, act, bias in layers:
        plan.append((off, n_in, n_out, act, off + n_in * n_out if bias else -1))
        off += n_in * n_out + (n_out if bias else 0)

    def loss(ind):
        t = np.asarray(ind, dtype=np.float64)
        a = X
        for w0, n_in, n_out, act, b0 in plan:
            z = a.dot(t[w0:w0 + n_in * n_out].reshape(n_out, n_in).T)
            if b0 >= 0:
                z = z + t[b0:b0 + n_out]
            a = 1 / (1 + np.exp(-z)) if act == "sigmoid" else np.tanh(z) if act == "tanh" else z
        return (float(np.mean((Y - a) ** 2)),)

    return loss


def toolbox_for(spec):
    tb = base.Toolbox()
    tb.register("evaluate", make_loss(spec))
    tb.register("mate", tools.cxBlend, alpha=spec["alpha"])
    tb.register("mutate", tools.mutGaussian, mu=0.0, sigma=spec["sigma"], indpb=spec["mutation"])
    tb.register("select", tools.selTournament, tournsize=spec["tournament"])
    return tb


def generation(tb, pop, elite, cxpb):
    best = list(map(tb.clone, tools.selBest(pop, elite)))
    off = list(map(tb.clone, tb.select(pop, len(pop) - elite)))
    for i in range(1, len(off), 2):
        if random.random() < cxpb:
            tb.mate(off[i - 1], off[i])
            del off[i - 1].fitness.values
            del off[i].fitness.values
    for ind in off:
        before = ind[:]
        tb.mutate(ind)
        if ind != before:
            del ind.fitness.values
    for ind in off:
        if not ind.fitness.valid:
            ind.fitness.values = tb.evaluate(ind)
    pop[:] = best + off


def train(spec, iters, rec=None):
    random.seed(spec["seed"])
    tb = toolbox_for(spec)
    r = spec["init_range"]
    pop = [creator.Individual(spec["init"])]
    pop += [creator.Individual(random.uniform(-r, r) for _ in spec["init"]) for _ in range(spec["population"] - 1)]
    for ind in pop:
        ind.fitness.values = tb.evaluate(ind)
    t0 = peerspec.now_ns()
    for it in range(1, iters + 1):
        generation(tb, pop, spec["elite"], spec["crossover"])
        if rec is not None and rec.wants(it):
            rec.take(it, tools.selBest(pop, 1)[0])
    t1 = peerspec.now_ns()
    best = tools.selBest(pop, 1)[0]
    return list(best), best.fitness.values[0], t1 - t0


def main():
    spec = peerspec.load(sys.argv[1])
    if spec["optimizer"] != "ga":
        raise SystemExit("deap_peer: only ga")
    iters = spec["iterations"]
    rec = peerspec.Recorder(spec)
    params, loss, _ = train(spec, iters, rec)
    ns = peerspec.timed_runs(spec, lambda: train(spec, iters)[2])
    peerspec.emit(spec, "deap", "DEAP %s, numpy %s, %s" % (deap.__version__, np.__version__, peerspec.python_version()),
                  ns, loss, params, rec,
                  ["population %d, elite %d (selBest), selTournament(%d), cxBlend(%r) p=%r, mutGaussian(0, %r, %r)" % (
                      spec["population"], spec["elite"], spec["tournament"], spec["alpha"], spec["crossover"],
                      spec["sigma"], spec["mutation"])])


if __name__ == "__main__":
    main()
