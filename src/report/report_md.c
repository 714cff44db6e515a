/* report_md: the Markdown emitter of the yearly report: headings, pipe
 * tables and lists, every text escaped so that none of it is markup. */
#include "report/report.h"

#include <string.h>

/* Escape what Markdown would read as markup; newlines become spaces. */
static void
md_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			fputc(' ', f);
			continue;
		}
		if (strchr("\\`*_{}[]<>()#+-.!|~&", *s) != NULL)
			fputc('\\', f);
		fputc(*s, f);
	}
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
	md_text(f, text);
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
		md_text(f, head[c]);
		fputc(' ', f);
	}
	fputs("|\n", f);
	for (c = 0; c < ncols; c++)
		fputs(c == 0 ? "|---" : "|--:", f);
	fputs("|\n", f);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			fputs("| ", f);
			md_text(f, cells[r * ncols + c]);
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
		if (ordered)
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

static const struct report_emit md_emit = {
	.begin = md_begin,
	.banner = md_banner,
	.end = md_end,
	.heading = md_heading,
	.para = md_para,
	.table = md_table,
	.list = md_list,
	.bars = md_bars,
};

const struct report_emit *
report_md_emit(void)
{
	return &md_emit;
}
