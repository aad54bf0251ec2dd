/*
 * fann_peer.c — FANN 2.2 (double precision, -ldoublefann) training the
 * spec's network with fann_train_epoch: FANN_TRAIN_BATCH for optbench's
 * "backprop" and FANN_TRAIN_RPROP for "irprop-".
 *
 * Settings that make FANN compute what optbench computes:
 *   - activation FANN_SIGMOID with steepness 0.5: FANN evaluates
 *     1/(1 + exp(−2·(0.5·Σ))) = 1/(1 + exp(−Σ)), the plain logistic (the
 *     product 2·0.5 is exact). Linear layers use FANN_LINEAR with steepness 1
 *     (with 0.5 FANN's linear neuron would output Σ/2).
 *   - train error function FANN_ERRORFUNC_LINEAR: the default (TANH)
 *     replaces the residual d by log((1+d)/(1−d)) and is not the MSE.
 *   - batch learning rate: FANN adds (learning_rate/N)·Σ_n δ_n·x_n to each
 *     weight, with δ = (t − y)·y(1 − y) (linear error). optbench's
 *     E = 1/(N·K)·Σ(y − t)² (a mean, no ½) has ∂E/∂w = −2/(N·K)·Σ_n δ_n·x_n,
 *     so FANN's step is −(learning_rate·K/2)·∂E/∂w, and gradient descent
 *     with rate η (w ← w − η·∂E/∂w) is the same trajectory when
 *         learning_rate = 2·η/K      (K = outputs; seed3 η = 2 → 4, xor η = 1 → 2).
 *     FANN stores learning_rate and learning_rate/N as float: exact for
 *     these powers of two, not for celsius's 2e-3 (relative error ~1e-8).
 *   - Rprop: increase/decrease factors, delta_min/max/zero set to optbench's
 *     (1.2, 0.5, 1e-6, 50, 0.1), but FANN keeps them as floats
 *     (1.2f = 1.2000000476837158, 0.1f = 0.10000000149011612).
 *
 * Where FANN's network differs (printed in "notes"):
 *   - FANN gives every layer a bias neuron (value 1) wired to every neuron
 *     of the next layer. A network without biases (seed3) therefore gains
 *     one weight per neuron; we start it at 0, but FANN trains it.
 *   - FANN's weights are ordered per neuron: the weights from the previous
 *     layer's neurons in order, then the one from its bias neuron. optbench
 *     orders them per layer: all weights row-major (out × in), then all
 *     biases. The mapping below is built from fann_get_connection_array
 *     (from/to neuron numbers, bias neurons included), not assumed.
 *   - FANN evaluates the sigmoid's derivative with the output clipped to
 *     [0.01, 0.99] and clips every weighted sum (times steepness) to
 *     ±150/steepness; its RPROP is not canonical iRprop− (see README).
 *
 * Usage: fann_peer SPEC.json — prints one JSON line (see README.md).
 */
#include <doublefann.h>

#include "spec.h"

#ifndef FANN_PKG
#define FANN_PKG "2.2"
#endif

struct net {
	int nl;          /* number of layers including the input layer */
	int sizes[16];   /* neurons per layer (without bias neurons) */
	int bias[16];    /* optbench: layer l (1..nl-1) has biases */
	int act[16];     /* FANN activation of layer l */
	double steep[16];
	int dim;         /* optbench parameters */
	int nconn;       /* FANN connections */
	int *map;        /* connection → optbench parameter index, or −1 */
	struct fann_connection *conn;
};

/* build creates the FANN network and the connection ↔ parameter mapping. */
static struct fann *build(struct net *nt) {
	unsigned int layers[16];
	for (int l = 0; l < nt->nl; l++) layers[l] = nt->sizes[l];
	struct fann *ann = fann_create_standard_array(nt->nl, layers);
	if (!ann) die("fann_create_standard_array failed", NULL);
	for (int l = 1; l < nt->nl; l++) {
		fann_set_activation_function_layer(ann, nt->act[l], l);
		fann_set_activation_steepness_layer(ann, nt->steep[l], l);
	}
	fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
	if (nt->map) return ann;

	nt->nconn = fann_get_total_connections(ann);
	nt->conn = malloc(nt->nconn * sizeof *nt->conn);
	nt->map = malloc(nt->nconn * sizeof *nt->map);
	fann_get_connection_array(ann, nt->conn);
	unsigned int nbias[16];
	fann_get_bias_array(ann, nbias);
	/* FANN numbers neurons layer after layer, bias neurons included. */
	int start[17], woff[16], boff[16], off = 0;
	start[0] = 0;
	for (int l = 0; l < nt->nl; l++) start[l + 1] = start[l] + nt->sizes[l] + nbias[l];
	for (int l = 1; l < nt->nl; l++) {
		woff[l] = off;
		off += nt->sizes[l] * nt->sizes[l - 1];
		boff[l] = nt->bias[l] ? off : -1;
		if (nt->bias[l]) off += nt->sizes[l];
	}
	nt->dim = off;
	for (int c = 0; c < nt->nconn; c++) {
		int to = nt->conn[c].to_neuron, from = nt->conn[c].from_neuron, l = 1;
		while (l < nt->nl && !(to >= start[l] && to < start[l] + nt->sizes[l])) l++;
		if (l == nt->nl) die("unexpected FANN connection layout", NULL);
		int o = to - start[l], i = from - start[l - 1], in = nt->sizes[l - 1];
		if (i < 0 || i > in) die("unexpected FANN connection layout", NULL);
		if (i < in)
			nt->map[c] = woff[l] + o * in + i;
		else
			nt->map[c] = boff[l] < 0 ? -1 : boff[l] + o; /* from the bias neuron */
	}
	return ann;
}

static void set_params(struct net *nt, struct fann *ann, const double *theta) {
	for (int c = 0; c < nt->nconn; c++) nt->conn[c].weight = nt->map[c] < 0 ? 0 : theta[nt->map[c]];
	fann_set_weight_array(ann, nt->conn, nt->nconn);
}

/* get_params reads optbench's parameters; extra holds the weights of FANN's
 * bias connections that optbench's network does not have. */
static void get_params(struct net *nt, struct fann *ann, double *theta, double *extra, int *nextra) {
	fann_get_connection_array(ann, nt->conn);
	int e = 0;
	for (int c = 0; c < nt->nconn; c++) {
		if (nt->map[c] >= 0)
			theta[nt->map[c]] = nt->conn[c].weight;
		else if (extra)
			extra[e++] = nt->conn[c].weight;
	}
	if (nextra) *nextra = e;
}

int main(int argc, char **argv) {
	if (argc != 2) die("usage: fann_peer SPEC.json", NULL);
	char *js = read_file(argv[1]);
	char problem[64], optimizer[64], act[32];
	str(js, "problem", problem, sizeof problem);
	str(js, "optimizer", optimizer, sizeof optimizer);
	int batch = strcmp(optimizer, "backprop") == 0;
	if (!batch && strcmp(optimizer, "irprop-") != 0) die("fann_peer does backprop and irprop-", optimizer);

	struct net nt = {0};
	double *sizes, *bias, *X, *Y, *init;
	nt.nl = nums(js, "sizes", &sizes);
	nums(js, "bias", &bias);
	if (nt.nl > 16) die("too many layers", problem);
	for (int l = 0; l < nt.nl; l++) nt.sizes[l] = (int)sizes[l];
	int missing_bias = 0;
	for (int l = 1; l < nt.nl; l++) {
		nt.bias[l] = bias[l - 1] != 0;
		missing_bias |= !nt.bias[l];
		strs(js, "acts", l - 1, act, sizeof act);
		if (strcmp(act, "sigmoid") == 0)
			nt.act[l] = FANN_SIGMOID, nt.steep[l] = 0.5;
		else if (strcmp(act, "linear") == 0)
			nt.act[l] = FANN_LINEAR, nt.steep[l] = 1.0;
		else
			die("fann_peer supports sigmoid and linear layers", act);
	}
	int n = (int)num(js, "n"), nin = nt.sizes[0], nout = nt.sizes[nt.nl - 1];
	nums(js, "x", &X);
	nums(js, "y", &Y);
	int dim = nums(js, "init", &init);
	const int iters = (int)num(js, "iterations"), runs = (int)num(js, "runs");

	struct fann_train_data *data = fann_create_train(n, nin, nout);
	for (int s = 0; s < n; s++) {
		for (int i = 0; i < nin; i++) data->input[s][i] = X[s * nin + i];
		for (int k = 0; k < nout; k++) data->output[s][k] = Y[s * nout + k];
	}

	double lr = 0, eta_plus = 0, eta_minus = 0, dmin = 0, dmax = 0, d0 = 0;
	if (batch) {
		if (num(js, "momentum") != 0) die("FANN batch has no momentum", NULL);
		lr = 2 * num(js, "lr") / nout;
	} else {
		eta_plus = num(js, "eta_plus"), eta_minus = num(js, "eta_minus");
		dmin = num(js, "delta_min"), dmax = num(js, "delta_max"), d0 = num(js, "delta0");
	}

	record rec;
	double theta[4096], extra[4096], ns[16], loss = NAN;
	int nextra = 0;
	/* Run 0 records the trajectory. Runs 1..runs are timed, the loop of
	 * fann_train_epoch calls only: each trains from the start again (a fresh
	 * network, which also resets FANN's Rprop state) until its loops add up
	 * to min_run. */
	const double min_run = num(js, "min_run_ns");
	for (int run = 0; run <= runs && run < 16; run++) {
		double loop = 0;
		long done = 0;
		do {
			struct fann *ann = build(&nt);
			if (run == 0) {
				if (nt.dim != dim || dim > 4096) die("spec init does not match the network", problem);
				record_init(&rec, js, dim);
			}
			set_params(&nt, ann, init);
			if (batch) {
				fann_set_training_algorithm(ann, FANN_TRAIN_BATCH);
				fann_set_learning_rate(ann, (float)lr);
			} else {
				fann_set_training_algorithm(ann, FANN_TRAIN_RPROP);
				fann_set_rprop_increase_factor(ann, (float)eta_plus);
				fann_set_rprop_decrease_factor(ann, (float)eta_minus);
				fann_set_rprop_delta_min(ann, (float)dmin);
				fann_set_rprop_delta_max(ann, (float)dmax);
				fann_set_rprop_delta_zero(ann, (float)d0);
			}
			double t0 = now_ns();
			if (run == 0) {
				for (int it = 1; it <= iters; it++) {
					fann_train_epoch(ann, data);
					get_params(&nt, ann, theta, NULL, NULL);
					record_take(&rec, it, theta);
				}
			} else {
				for (int it = 1; it <= iters; it++) fann_train_epoch(ann, data);
			}
			loop += now_ns() - t0;
			done += iters;
			if (run == 0) {
				get_params(&nt, ann, theta, extra, &nextra);
				/* The MSE in double (fann_test_data sums it in float). */
				double sum = 0;
				for (int s = 0; s < n; s++) {
					fann_type *out = fann_run(ann, data->input[s]);
					for (int k = 0; k < nout; k++) {
						double r = out[k] - Y[s * nout + k];
						sum += r * r;
					}
				}
				loss = sum / ((double)n * nout);
			}
			fann_destroy(ann);
		} while (run > 0 && loop < min_run);
		if (run > 0) ns[run - 1] = loop / done;
	}

	printf("{\"peer\":\"fann\",\"version\":\"FANN %s (doublefann)\",\"problem\":\"%s\",\"optimizer\":\"%s\","
	       "\"iterations\":%d,\"ns_per_iter\":",
	       FANN_PKG, problem, optimizer, iters);
	pnum(median(ns, runs));
	printf(",\"ns_runs\":");
	parray(ns, runs);
	printf(",\"final_loss\":");
	pnum(loss);
	printf(",\"final_params\":");
	parray(theta, dim);
	printf(",\"fann_extra_weights\":");
	parray(extra, nextra);
	record_print(&rec);
	printf(",\"notes\":[\"%s\",", batch ? "FANN_TRAIN_BATCH" : "FANN_TRAIN_RPROP (FANN's iRprop-, not canonical)");
	if (batch)
		printf("\"learning_rate = 2*lr/K = %.17g, kept as float %.9g\",", lr, (double)(float)lr);
	else
		printf("\"rprop constants kept as float: eta+ %.17g, eta- %.17g, delta0 %.17g, delta_min %.17g, delta_max %.17g\",",
		       (double)(float)eta_plus, (double)(float)eta_minus, (double)(float)d0, (double)(float)dmin,
		       (double)(float)dmax);
	if (missing_bias)
		printf("\"FANN adds a bias neuron to every layer: this network has no biases, so FANN trains %d extra "
		       "bias weight(s), started at 0 (final values in fann_extra_weights)\",",
		       nextra);
	printf("\"FANN orders weights per neuron (inputs, then bias); mapped from fann_get_connection_array\","
	       "\"sigmoid derivative evaluated with the output clipped to [0.01, 0.99]; sums clipped to +-150/steepness\"]}\n");
	fann_destroy_train(data);
	return 0;
}
