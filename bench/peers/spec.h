/*
 * spec.h — the few lines of JSON reading the C peers need.
 *
 * The Go driver (bench/peers/run) writes one flat JSON object per
 * (problem, optimizer): every key is unique and every value is a number, a
 * string, or an array of numbers or of strings. That is all this reader
 * understands; it is not a general JSON parser. Times come from
 * CLOCK_MONOTONIC; numbers are printed with %.17g, which round-trips a
 * double exactly.
 */
#ifndef OPTBENCH_PEER_SPEC_H
#define OPTBENCH_PEER_SPEC_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *msg, const char *what) {
	fprintf(stderr, "peer: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
	exit(2);
}

static char *read_file(const char *path) {
	FILE *f = fopen(path, "rb");
	if (!f) die("cannot open spec", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(n + 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) die("cannot read spec", path);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* value returns a pointer to the value of "key" in the flat object, or NULL. */
static const char *value(const char *js, const char *key) {
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	for (const char *p = strstr(js, pat); p; p = strstr(p + 1, pat)) {
		const char *q = p + strlen(pat);
		while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r') q++;
		if (*q == ':') {
			q++;
			while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r') q++;
			return q;
		}
	}
	return NULL;
}

static double num(const char *js, const char *key) {
	const char *v = value(js, key);
	if (!v) die("spec lacks", key);
	char *end;
	double d = strtod(v, &end);
	if (end == v) die("spec value is not a number", key);
	return d;
}

/* nums parses an array of numbers into a fresh buffer and returns its length. */
static int nums(const char *js, const char *key, double **out) {
	const char *v = value(js, key);
	if (!v || *v != '[') die("spec lacks array", key);
	int cap = 16, n = 0;
	double *a = malloc(cap * sizeof *a);
	v++;
	for (;;) {
		while (*v == ' ' || *v == '\n' || *v == ',' || *v == '\t' || *v == '\r') v++;
		if (*v == ']') break;
		char *end;
		double d = strtod(v, &end);
		if (end == v) die("bad number in array", key);
		if (n == cap) a = realloc(a, (cap *= 2) * sizeof *a);
		a[n++] = d;
		v = end;
	}
	*out = a;
	return n;
}

/* str copies the string value of key (no escapes) into dst. */
static void str(const char *js, const char *key, char *dst, size_t size) {
	const char *v = value(js, key);
	if (!v || *v != '"') die("spec lacks string", key);
	v++;
	size_t i = 0;
	while (*v && *v != '"' && i + 1 < size) dst[i++] = *v++;
	dst[i] = 0;
}

/* strs copies the i-th string of the array value of key into dst. */
static void strs(const char *js, const char *key, int i, char *dst, size_t size) {
	const char *v = value(js, key);
	if (!v || *v != '[') die("spec lacks array", key);
	for (int k = 0; k <= i; k++) {
		v = strchr(v, '"');
		if (!v) die("short string array", key);
		const char *end = strchr(v + 1, '"');
		if (k == i) {
			size_t n = end - v - 1;
			if (n >= size) n = size - 1;
			memcpy(dst, v + 1, n);
			dst[n] = 0;
		}
		v = end + 1;
	}
}

static double now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n) {
	double *s = malloc(n * sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/* pnum prints a JSON number, or null when it is not finite. */
static void pnum(double v) {
	if (isfinite(v))
		printf("%.17g", v);
	else
		printf("null");
}

static void parray(const double *v, int n) {
	putchar('[');
	for (int i = 0; i < n; i++) {
		if (i) putchar(',');
		pnum(v[i]);
	}
	putchar(']');
}

/* Recording of the trajectory: the parameters after iterations 1..k and
 * after each checkpoint iteration (all > k), as the spec asks. */
typedef struct {
	int dim, k, nchk, iters;
	double *chk;       /* checkpoint iterations */
	double *after_k;   /* k × dim */
	double *at_chk;    /* nchk × dim */
} record;

static void record_init(record *r, const char *js, int dim) {
	r->dim = dim;
	r->k = (int)num(js, "k");
	r->iters = (int)num(js, "iterations");
	r->nchk = nums(js, "checkpoints", &r->chk);
	r->after_k = calloc((size_t)r->k * dim + 1, sizeof(double));
	r->at_chk = calloc((size_t)r->nchk * dim + 1, sizeof(double));
}

static void record_take(record *r, int it, const double *theta) {
	if (it <= r->k) memcpy(r->after_k + (size_t)(it - 1) * r->dim, theta, r->dim * sizeof(double));
	for (int c = 0; c < r->nchk; c++)
		if ((int)r->chk[c] == it) memcpy(r->at_chk + (size_t)c * r->dim, theta, r->dim * sizeof(double));
}

static void record_print(const record *r) {
	printf(",\"params_after_k\":[");
	for (int i = 0; i < r->k && i < r->iters; i++) {
		if (i) putchar(',');
		parray(r->after_k + (size_t)i * r->dim, r->dim);
	}
	printf("],\"checkpoint_iters\":[");
	for (int c = 0; c < r->nchk; c++) printf(c ? ",%d" : "%d", (int)r->chk[c]);
	printf("],\"checkpoint_params\":[");
	for (int c = 0; c < r->nchk; c++) {
		if (c) putchar(',');
		parray(r->at_chk + (size_t)c * r->dim, r->dim);
	}
	putchar(']');
}

#endif
