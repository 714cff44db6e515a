/* report_md: the Markdown emitter of the yearly report: headings, pipe
 * tables and lists, every text escaped so that none of it is markup. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"

/* Escape only what Markdown would read as markup, so that the file reads
 * well as plain text: backslash, backtick, '*', '|' (tables), '<' (HTML),
 * '[' (links), "~~", '_' and '&' where they could start emphasis or an
 * entity, and at the start of the text what would start a heading, a
 * quote, a list or a rule. Newlines become spaces. */
static void
md_text_ls(FILE *f, const char *s, int linestart)
{
	const char *p, *start = s;
	int alnum_before, alnum_after;

	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\r' || c == '\t') {
			fputc(' ', f);
			continue;
		}
		alnum_before = p > start &&
		    (((unsigned char)p[-1] & 0x80) ||
			strchr(
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789",
			    p[-1]) != NULL);
		alnum_after = ((unsigned char)p[1] & 0x80) ||
		    (p[1] != '\0' &&
			strchr(
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789",
			    p[1]) != NULL);
		if (strchr("\\`*|<[", c) != NULL || (c == '~' && p[1] == '~') ||
		    (c == '_' && !(alnum_before && alnum_after)) ||
		    (c == '&' && alnum_after) ||
		    (linestart && p == start && strchr("#>-+", c) != NULL))
			fputc('\\', f);
		else if (linestart && p == start) {
			/* "1. " or "1) " at the start would make a list */
			const char *d = p;

			while (*d >= '0' && *d <= '9')
				d++;
			if (d > p && (*d == '.' || *d == ')')) {
				fwrite(p, 1, (size_t)(d - p), f);
				fputc('\\', f);
				p = d;
				c = (unsigned char)*p;
			}
		}
		fputc(c, f);
	}
}

/* Text at the start of a line (a paragraph, a list item). */
static void
md_text(FILE *f, const char *s)
{
	md_text_ls(f, s, 1);
}

static void
md_begin(FILE *f, const char *title)
{
	(void)f;
	(void)title;
}

static void
md_banner(FILE *f, const char *text)
{
	fputs("> **", f);
	md_text(f, text);
	fputs("**\n\n", f);
}

static void
md_end(FILE *f)
{
	(void)f;
}

static void
md_heading(FILE *f, int level, const char *text)
{
	int i;

	for (i = 0; i < level; i++)
		fputc('#', f);
	fputc(' ', f);
	md_text_ls(f, text, 0);
	fputs("\n\n", f);
}

static void
md_para(FILE *f, const char *text)
{
	md_text(f, text);
	fputs("\n\n", f);
}

static void
md_table(FILE *f, size_t ncols, const char *const *head,
    const char *const *cells, size_t nrows)
{
	size_t r, c;

	for (c = 0; c < ncols; c++) {
		fputs("| ", f);
		md_text_ls(f, head[c], 0);
		fputc(' ', f);
	}
	fputs("|\n", f);
	for (c = 0; c < ncols; c++)
		fputs(c == 0 ? "|---" : "|--:", f);
	fputs("|\n", f);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			fputs("| ", f);
			md_text_ls(f, cells[r * ncols + c], 0);
			fputc(' ', f);
		}
		fputs("|\n", f);
	}
	fputc('\n', f);
}

static void
md_list(FILE *f, const char *const *items, size_t n, int ordered)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ordered == 1)
			fprintf(f, "%zu. ", i + 1);
		else
			fputs("- ", f);
		md_text(f, items[i]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* Text bars: 20 characters for 100 %. */
static void
md_bars(FILE *f, const char *title, const char *const *labels,
    const double *shares, const char *const *figures, size_t n)
{
	size_t i, j, w;

	fputs("**", f);
	md_text(f, title);
	fputs("**\n\n", f);
	for (i = 0; i < n; i++) {
		fputs("- ", f);
		md_text(f, labels[i]);
		fputs(": `", f);
		w = (size_t)(shares[i] * 20 + 0.5);
		for (j = 0; j < 20; j++)
			fputs(j < w ? "#" : ".", f);
		fputs("` ", f);
		md_text(f, figures[i]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* The sparkline column holds its text (the values by year). */
static void
md_table_spark(FILE *f, size_t ncols, const char *const *head,
    const char *const *cells, size_t nrows, const double *series,
    size_t nseries, const char *const *alt)
{
	const char **c2 = xcalloc((ncols + 1) * nrows + 1, sizeof(*c2));
	size_t r, c;

	(void)series;
	(void)nseries;
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++)
			c2[r * (ncols + 1) + c] = cells[r * ncols + c];
		c2[r * (ncols + 1) + ncols] = alt[r];
	}
	md_table(f, ncols + 1, head, c2, nrows);
	free(c2);
}

/* The heat map as a table of its cells' texts. */
static void
md_heatmap(FILE *f, const struct report_heat *h)
{
	const char **head = xcalloc(h->ncols + 2, sizeof(*head));
	const char **cells = xcalloc((h->ncols + 1) * h->nrows + 1,
	    sizeof(*cells));
	size_t r, c;

	fputs("**", f);
	md_text_ls(f, h->title, 0);
	fputs("**\n\n", f);
	md_text(f, h->desc);
	fputs("\n\n", f);
	head[0] = "";
	for (c = 0; c < h->ncols; c++)
		head[c + 1] = h->cols[c];
	for (r = 0; r < h->nrows; r++) {
		cells[r * (h->ncols + 1)] = h->rows[r];
		for (c = 0; c < h->ncols; c++)
			cells[r * (h->ncols + 1) + c + 1] =
			    h->alt[r * h->ncols + c];
	}
	md_table(f, h->ncols + 1, head, cells, h->nrows);
	free(head);
	free(cells);
}

static const struct report_emit md_emit = { .begin = md_begin,
	.table_spark = md_table_spark,
	.heatmap = md_heatmap,
	.banner = md_banner,
	.end = md_end,
	.heading = md_heading,
	.para = md_para,
	.table = md_table,
	.list = md_list,
	.bars = md_bars };

const struct report_emit *
report_md_emit(void)
{
	return &md_emit;
}
