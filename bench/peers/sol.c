/*
 * sol.c — the speed-of-light reference: a plain C loop (gcc -O2) doing
 * exactly the arithmetic of one seed3 backprop epoch, in the order
 * optim.MSE.Grad and optim.Backprop.Step do it:
 *
 *   z_s = 0 + w0·x_s0 + w1·x_s1 + w2·x_s2        (all samples first,
 *   a_s = 1/(1 + exp(−z_s))                        then the sigmoids)
 *   r_s = a_s − y_s,  d_s = (2/(N·K))·r_s·(a_s·(1 − a_s)),  g_i = 0 + Σ_s d_s·x_si
 *   w_i ← w_i − η·g_i
 *
 * It has no objects, no interface calls, no bounds checks, no divergence
 * checks and no workspace bookkeeping: what is left is the floating-point
 * work and libm's exp. It handles any single sigmoid neuron without bias
 * (the seed3 shape) and refuses other networks.
 *
 * Usage: sol SPEC.json — prints one JSON line (see bench/peers/README.md).
 */
#include "spec.h"

#define MAXIN 64
#define MAXN 4096

int main(int argc, char **argv) {
	if (argc != 2) die("usage: sol SPEC.json", NULL);
	char *js = read_file(argv[1]);
	char problem[64], optimizer[64], act[32];
	str(js, "problem", problem, sizeof problem);
	str(js, "optimizer", optimizer, sizeof optimizer);
	if (strcmp(optimizer, "backprop") != 0) die("sol only does backprop", optimizer);
	double *sizes, *bias, *X, *Y, *init;
	int nl = nums(js, "sizes", &sizes);
	nums(js, "bias", &bias);
	strs(js, "acts", 0, act, sizeof act);
	if (nl != 2 || sizes[1] != 1 || bias[0] != 0 || strcmp(act, "sigmoid") != 0)
		die("sol only trains one sigmoid neuron without bias (seed3's shape)", problem);
	int nin = (int)sizes[0], n = (int)num(js, "n");
	if (nin > MAXIN || n > MAXN) die("problem too large for sol", problem);
	nums(js, "x", &X);
	nums(js, "y", &Y);
	nums(js, "init", &init);
	const double lr = num(js, "lr"), scale = 2.0 / (n * 1);
	const int iters = (int)num(js, "iterations"), runs = (int)num(js, "runs");

	record rec;
	record_init(&rec, js, nin);
	const double min_run = num(js, "min_run_ns");
	double w[MAXIN], g[MAXIN], a[MAXN];
	double ns[16];
	/* Run 0 records the trajectory. Runs 1..runs are timed, the loop only:
	 * each trains from the start again until its loops add up to min_run. */
	for (int run = 0; run <= runs && run < 16; run++) {
		double loop = 0;
		long done = 0;
		do {
			memcpy(w, init, nin * sizeof(double));
			double t0 = now_ns();
			for (int it = 1; it <= iters; it++) {
				for (int s = 0; s < n; s++) {
					const double *x = X + s * nin;
					double z = 0;
					for (int i = 0; i < nin; i++) z += w[i] * x[i];
					a[s] = 1 / (1 + exp(-z));
				}
				for (int i = 0; i < nin; i++) g[i] = 0;
				for (int s = 0; s < n; s++) {
					const double *x = X + s * nin;
					double r = a[s] - Y[s];
					double d = scale * r * (a[s] * (1 - a[s]));
					for (int i = 0; i < nin; i++) g[i] += d * x[i];
				}
				for (int i = 0; i < nin; i++) w[i] -= lr * g[i];
				if (run == 0) record_take(&rec, it, w);
			}
			loop += now_ns() - t0;
			done += iters;
		} while (run > 0 && loop < min_run);
		if (run > 0) ns[run - 1] = loop / done;
	}
	double loss = 0;
	for (int s = 0; s < n; s++) {
		double z = 0;
		for (int i = 0; i < nin; i++) z += w[i] * X[s * nin + i];
		double r = 1 / (1 + exp(-z)) - Y[s];
		loss += r * r;
	}
	loss /= n;

	printf("{\"peer\":\"c-loop\",\"version\":\"gcc %s -O2, glibc exp\",\"problem\":\"%s\",\"optimizer\":\"%s\","
	       "\"iterations\":%d,\"ns_per_iter\":", __VERSION__, problem, optimizer, iters);
	pnum(median(ns, runs));
	printf(",\"ns_runs\":");
	parray(ns, runs);
	printf(",\"final_loss\":");
	pnum(loss);
	printf(",\"final_params\":");
	parray(w, nin);
	record_print(&rec);
	printf(",\"notes\":[\"plain C, no checks: the floor for this arithmetic with libm exp\"]}\n");
	return 0;
}
