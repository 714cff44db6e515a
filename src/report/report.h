/* report: the yearly report for the regional board in Markdown, CSV and
 * HTML. It renders gate tables only: no figure reaches a report that the
 * publish gate did not show. Turnover and staff HME are HR's own data. */
#ifndef AVSLUT_REPORT_H
#define AVSLUT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/agg.h"
#include "report/gate.h"
#include "util/err.h"

enum report_format {
	REPORT_MD,
	REPORT_CSV,
	REPORT_HTML,
	REPORT_CODEBOOK /* CSV: question and category ids, texts */
};

/* What a report is made of; all borrowed. */
struct report_input {
	const char *region; /* the region's name */
	unsigned year;
	const struct gate_table *cur; /* the year's table */
	/* Tables of the years for the trend, ascending (cur among them);
	 * open years are skipped. */
	const struct gate_table *const *tabs;
	size_t ntabs;
	const struct agg_turnover *turnover;
	size_t nturnover;
	const struct hme_row *staff;
	size_t nstaff;
	/* The turnover definition: whether the rate counts retirements
	 * and moves to another unit of the region (avslut-config(5)), and
	 * whether the imported rows said how many there were. */
	int count_retirements, count_internal;
	int has_retirements, has_internal;
	double threshold; /* turnover flag, fraction */
	unsigned tyears;  /* years in a row at or above it */
	const char *lang; /* form language for labels, NULL: first */
	size_t rejected;  /* envelopes not used (for the method) */
	int sample;	  /* made-up data (config sample: true):
					 * EXEMPELDATA on every page */
	/* The release cur is (release_view): 0 for the running year. */
	unsigned release;
	const char *release_date; /* YYYY-MM-DD */
	uint32_t held;		  /* late interviews held back */
};

/* "md", "csv", "html", "codebook" -> fmt; -1 if none of them. */
int report_format_parse(const char *s, enum report_format *fmt);
/* Write the report to f. Returns -1 with e set on a write error. */
int report_write(FILE *f, enum report_format fmt, const struct report_input *in,
    struct err *e);

/* One tidy table: UTF-8 with BOM, ';', decimal comma, CRLF; column
 * names, levels, measures and statuses in Swedish when lang is sv. */
int report_csv(FILE *f, const struct report_input *in, struct err *e);
/* The codebook as CSV in the same dialect. */
int report_codebook(FILE *f, const struct report_input *in, struct err *e);

/* Markdown and HTML share one walk over the tables (report.c) that calls
 * an emitter; every string handed to one is plain UTF-8, the emitter
 * escapes it. */
/* A unit x theme heat map: v[r * ncols + c] is a mean (scale 1..5) or NAN
 * where it is hidden; ref[c] the region's; alt[r * ncols + c] the cell as
 * text ("3,4", "–"). */
struct report_heat {
	const char *title, *desc;
	size_t nrows, ncols;
	const char *const *rows, *const *cols;
	const double *v, *ref;
	const char *const *alt;
};

struct report_emit {
	void (*begin)(FILE *f, const char *title);
	/* A notice that belongs on every page (EXEMPELDATA). */
	void (*banner)(FILE *f, const char *text);
	void (*end)(FILE *f);
	void (*heading)(FILE *f, int level, const char *text);
	void (*para)(FILE *f, const char *text);
	void (*table)(FILE *f, size_t ncols, const char *const *head,
	    const char *const *cells, size_t nrows);
	/* ordered: 0 free-text answers, 1 a numbered list, 2 findings */
	void (*list)(FILE *f, const char *const *items, size_t n, int ordered);
	/* A table whose last column is a sparkline of series[r * nseries ..]
	 * (NAN: no value) with alt[r] as its text. */
	void (*table_spark)(FILE *f, size_t ncols, const char *const *head,
	    const char *const *cells, size_t nrows, const double *series,
	    size_t nseries, const char *const *alt);
	void (*heatmap)(FILE *f, const struct report_heat *h);
	/* A bar chart of shares (0..1), labels and their figures. */
	void (*bars)(FILE *f, const char *title, const char *const *labels,
	    const double *shares, const char *const *figures, size_t n);
};
const struct report_emit *report_md_emit(void);	  /* report_md.c */
const struct report_emit *report_html_emit(void); /* report_html.c */

/* Helpers the writers share. */
#define REPORT_LB 256 /* a category label ("5 Stämmer helt") */
/* v with d decimals, decimal comma if comma; no "-0". */
void report_num(char *buf, size_t n, double v, int d, int comma);
/* share (0..1) as "45 %" (no decimals). */
void report_pct(char *buf, size_t n, double share, int comma);
/* The summary of findings: plain sentences built from the gate tables
 * only (report_find.c). *out is an array of n strings; caller frees with
 * report_strings_free. */
size_t report_findings(const struct report_input *in, char ***out);
void report_strings_free(char **s, size_t n);
/* The previous closed year's table in in->tabs, or NULL. */
const struct gate_table *report_prev(const struct report_input *in);
/* The question's label in lang (NULL: the form's first language). */
const char *report_qlabel(const struct agg_question *q, const char *lang);
/* Label of category i of q ("Yes", a choice label, "3"). buf for
 * numbers. */
const char *report_catlabel(const struct agg_question *q, size_t i,
    const char *lang, char *buf, size_t n);
/* Name of a row ("Region X", "Unit A", "Other units in North"); caller
 * frees. */
char *report_rowname(const struct gate_table *t, size_t row,
    const char *region);
/* The most common answer of a shown figure with its share ("Pay 23 %");
 * a tie is named as one ("tied: Pay and Schedule, 20 % each", or "5
 * answers tied at 20 % each"), never as a winner. NULL if nothing is
 * shown; caller frees. */
char *report_top(const struct agg_question *q, const struct gate_fig *g,
    const char *lang, int comma);
/* 1 if the row flags high turnover (tyears in a row ending with year). */
int report_flagged(const struct report_input *in, const char *unit);
/* A growing table of strings, emitted (and freed) as one table. */
struct report_tab {
	size_t ncols, nrows;
	char **cells;
};
void report_tab_init(struct report_tab *t, size_t ncols);
/* One row: t->ncols strings (NULL: empty), copied. */
void report_tab_row(struct report_tab *t, ...);
void report_tab_emit(const struct report_emit *em, FILE *f,
    struct report_tab *t, const char *const *head);
/* A paragraph from a printf format. */
void report_para(const struct report_emit *em, FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The board's sections (report_board.c). */
void report_hme_cell(char *buf, size_t n, const struct gate_hme *h, int which,
    int comma);
void report_flagged_section(const struct report_input *in,
    const struct report_emit *em, FILE *f, int comma);
void report_heat_section(const struct report_input *in,
    const struct report_emit *em, FILE *f, int comma);
void report_hme_section(const struct report_input *in,
    const struct report_emit *em, FILE *f, int comma);
/* 0 once f is flushed, or -1 with e from fmt (a %s for why; a full
 * disk kept apart from other I/O errors). */
int report_flushed(FILE *f, const char *fmt, struct err *e);
/* The staff-survey HME row of unit and year, or NULL. */
const struct hme_row *report_staff(const struct report_input *in,
    const char *unit, unsigned year);

#endif
