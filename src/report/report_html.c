/* report_html: the HTML emitter of the yearly report: one self-contained
 * file (inline CSS, bar charts as inline SVG with a text alternative and
 * the figures in a table), every text escaped, readable when printed. */
#include "report/report.h"

#include <math.h>
#include <string.h>

#include "util/esc.h"
#include "util/i18n.h"

static const char html_css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;"
    "max-width:60em;margin:2em auto;padding:0 1em;color:#1a1a1a;"
    "line-height:1.45;overflow-wrap:break-word}\n"
    "h1{font-size:1.8em;border-bottom:2px solid #1a1a1a}\n"
    "h2{font-size:1.35em;margin-top:2em;border-bottom:1px solid #999}\n"
    "h3{font-size:1.1em;margin-top:1.6em}\n"
    "h1,h2,h3,figcaption{break-after:avoid;page-break-after:avoid}\n"
    "p,li{orphans:3;widows:3}\n"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;max-width:100%;"
    "font-size:.875em}\n"
    "tr,figure,svg{break-inside:avoid;page-break-inside:avoid}\n"
    "th,td{border:1px solid #bbb;padding:.2em .4em;text-align:right;"
    "vertical-align:top}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "thead th{background:#eee}\n"
    "tbody th{font-weight:normal}\n"
    /* a long name or heading may break inside a word rather than run
     * past the page: only where the table has no other room */
    "tbody th{overflow-wrap:anywhere}\n"
    "figure{margin:.6em 0 1.2em}\n"
    "figcaption{font-weight:600;margin-bottom:.3em}\n"
    "table.bars{border:0;width:100%}\n"
    "table.bars th,table.bars td{border:0;padding:.1em .4em}\n"
    "table.bars th{width:40%;text-align:left}\n"
    "table.bars td.b{width:45%}\n"
    "table.bars td.f{white-space:nowrap}\n"
    ".bar{display:block;height:.9em;background:#2b6cb0;"
    "print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
    ".track{display:block;background:#e6e6e6;"
    "print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
    "svg{max-width:100%;height:auto}\n"
    "svg text{font-size:11px;fill:#1a1a1a}\n"
    "svg .spark{fill:none;stroke:#c53030;stroke-width:1.5}\n"
    "svg .thr{stroke:#999;stroke-dasharray:2 2}\n"
    "svg rect,.heat{print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}\n"
    "ul.findings li{margin:.35em 0}\n"
    "ul.texts li{margin:.3em 0;white-space:pre-wrap}\n"
    ".sample{background:#fff3cd;border:2px solid #b7791f;color:#5c3d00;"
    "font-weight:700;padding:.3em .6em;margin:.5em 0}\n"
    "@page{size:A4;margin:18mm 16mm 16mm;"
    "@bottom-right{content:counter(page) \" / \" counter(pages);"
    "font:8pt system-ui,sans-serif;color:#555}}\n"
    "@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}"
    "h2{margin-top:1.2em}}\n";

static void
html_begin(FILE *f, const char *title)
{
	fprintf(f,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n",
	    i18n_lang());
	fputs("<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>",
	    f);
	esc_html(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    html_css);
}

static void
html_banner(FILE *f, const char *text)
{
	const char *p;

	fputs("<div class=\"sample\" role=\"note\">", f);
	esc_html(f, text);
	fputs("</div>\n", f);
	/* and in the top margin of every printed page: a CSS string, so
	 * only what a string may hold (the text is ours, not a record's) */
	fputs("<style>@page{@top-center{content:\"", f);
	for (p = text; *p != '\0'; p++)
		if (*p != '"' && *p != '\\' && *p != '<' && *p != '>' &&
		    (unsigned char)*p >= 0x20)
			fputc(*p, f);
	fputs("\";font:bold 9pt system-ui,sans-serif;color:#5c3d00;"
	      "background:#fff3cd}}</style>\n",
	    f);
}

static void
html_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

static void
html_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "<h%d>", level);
	esc_html(f, text);
	fprintf(f, "</h%d>\n", level);
}

static void
html_para(FILE *f, const char *text)
{
	fputs("<p>", f);
	esc_html(f, text);
	fputs("</p>\n", f);
}

static void
html_list(FILE *f, const char *const *items, size_t n, int ordered)
{
	size_t i;

	fputs(ordered == 2 ? "<ul class=\"findings\">\n" :
		ordered	   ? "<ol>\n" :
			     "<ul class=\"texts\">\n",
	    f);
	for (i = 0; i < n; i++) {
		fputs("<li>", f);
		esc_html(f, items[i]);
		fputs("</li>\n", f);
	}
	fputs(ordered == 1 ? "</ol>\n" : "</ul>\n", f);
}

/* Horizontal bars as a table: each label in its own cell, so it wraps
 * instead of being cut; the bar is a coloured block (aria-hidden), the
 * figure beside it is the text. */
static void
html_bars(FILE *f, const char *title, const char *const *labels,
    const double *shares, const char *const *figures, size_t n)
{
	size_t i;

	fputs("<figure>\n<figcaption>", f);
	esc_html(f, title);
	fputs("</figcaption>\n<table class=\"bars\">\n", f);
	for (i = 0; i < n; i++) {
		double s = shares[i] < 0 ? 0 : shares[i] > 1 ? 1 : shares[i];

		fputs("<tr><th scope=\"row\">", f);
		esc_html(f, labels[i]);
		fprintf(f,
		    "</th><td class=\"b\"><span class=\"track\" "
		    "aria-hidden=\"true\"><span class=\"bar\" style=\""
		    "width:%.1f%%\"></span></span></td><td class=\"f\">",
		    s * 100);
		esc_html(f, figures[i]);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n</figure>\n", f);
}

/* A sparkline of up to 20 values in an 84 x 22 SVG; alt is its text. */
static void
html_spark(FILE *f, const double *v, size_t n, const char *alt)
{
	double lo = 0, hi = 0;
	size_t i, k = 0;
	int first = 1;

	for (i = 0; i < n; i++)
		if (!isnan(v[i])) {
			if (first || v[i] < lo)
				lo = v[i];
			if (first || v[i] > hi)
				hi = v[i];
			first = 0;
		}
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	      "width=\"84\" height=\"22\" viewBox=\"0 0 84 22\"><title>",
	    f);
	esc_html(f, alt);
	fputs("</title><polyline class=\"spark\" points=\"", f);
	for (i = 0; i < n; i++) {
		double x, y;

		if (isnan(v[i]))
			continue;
		x = n > 1 ? 4 + 76.0 * (double)i / (double)(n - 1) : 42;
		y = hi > lo ? 18 - 14 * (v[i] - lo) / (hi - lo) : 11;
		fprintf(f, "%s%.1f,%.1f", k++ ? " " : "", x, y);
	}
	fputs("\"/>", f);
	for (i = 0; i < n; i++)
		if (!isnan(v[i]) && i + 1 == n)
			fprintf(f,
			    "<circle cx=\"80\" cy=\"%.1f\" r=\"2\" "
			    "fill=\"#c53030\"/>",
			    hi > lo ? 18 - 14 * (v[i] - lo) / (hi - lo) : 11);
	fputs("</svg>", f);
}

/* A table whose first column heads its rows; with series, one more
 * column (head[ncols]) of a sparkline per row, described by alt[row]. */
static void
html_table_spark(FILE *f, size_t ncols, const char *const *head,
    const char *const *cells, size_t nrows, const double *series,
    size_t nseries, const char *const *alt)
{
	size_t r, c;

	fputs("<table>\n<thead><tr>", f);
	for (c = 0; c < ncols + (series != NULL); c++) {
		fputs("<th scope=\"col\">", f);
		esc_html(f, head[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (r = 0; r < nrows; r++) {
		fputs("<tr>", f);
		for (c = 0; c < ncols; c++) {
			fputs(c == 0 ? "<th scope=\"row\">" : "<td>", f);
			esc_html(f, cells[r * ncols + c]);
			fputs(c == 0 ? "</th>" : "</td>", f);
		}
		if (series != NULL) {
			fputs("<td>", f);
			html_spark(f, series + r * nseries, nseries, alt[r]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void
html_table(FILE *f, size_t ncols, const char *const *head,
    const char *const *cells, size_t nrows)
{
	html_table_spark(f, ncols, head, cells, nrows, NULL, 0, NULL);
}

/* Colour of a mean against the region's: red below, blue above, white
 * within 0.1; full strength at 1.0 apart. */
static void
heat_colour(char *buf, size_t n, double v, double ref)
{
	double d = v - ref, a = fabs(d) > 1 ? 1 : fabs(d);
	int lo = (int)(255 - a * 150);

	if (fabs(d) < 0.1)
		snprintf(buf, n, "#ffffff");
	else if (d < 0)
		snprintf(buf, n, "#ff%02x%02x", lo, lo);
	else
		snprintf(buf, n, "#%02x%02xff", lo, lo + (255 - lo) / 3);
}

/* The heat map as one SVG: rotated theme names on top, a row per unit;
 * every cell has a title with its figure, the SVG a title and a desc, so
 * nothing is only a colour. Widths follow the longest label: nothing is
 * cut. */
static void
html_heatmap(FILE *f, const struct report_heat *h)
{
	size_t r, c, lw = 0, hh = 0;
	const int cw = 56, rh = 20;
	char col[16];
	int w, ht;

	for (r = 0; r < h->nrows; r++) {
		size_t l = strlen(h->rows[r]);

		lw = l > lw ? l : lw;
	}
	for (c = 0; c < h->ncols; c++) {
		size_t l = strlen(h->cols[c]);

		hh = l > hh ? l : hh;
	}
	lw = lw * 6 + 10; /* about 6 px a character at 11 px */
	hh = (size_t)((double)hh * 6 * 0.71) + 16; /* rotated 45 deg */
	w = (int)lw + (int)h->ncols * cw + (int)hh;
	ht = (int)hh + (int)h->nrows * rh + 4;
	fputs("<figure>\n<figcaption>", f);
	esc_html(f, h->title);
	fprintf(f,
	    "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\" class=\"heat\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\"><title>",
	    w, ht, w, ht);
	esc_html(f, h->title);
	fputs("</title>\n<desc>", f);
	esc_html(f, h->desc);
	fputs("</desc>\n", f);
	for (c = 0; c < h->ncols; c++) {
		fprintf(f, "<text transform=\"translate(%d,%d) rotate(-45)\">",
		    (int)lw + (int)c * cw + cw / 2, (int)hh - 4);
		esc_html(f, h->cols[c]);
		fputs("</text>\n", f);
	}
	for (r = 0; r < h->nrows; r++) {
		int y = (int)hh + (int)r * rh;

		fprintf(f, "<text x=\"0\" y=\"%d\"%s>", y + 14,
		    r == 0 ? " font-weight=\"bold\"" : "");
		esc_html(f, h->rows[r]);
		fputs("</text>\n", f);
		for (c = 0; c < h->ncols; c++) {
			double v = h->v[r * h->ncols + c];
			int x = (int)lw + (int)c * cw;

			if (isnan(v))
				snprintf(col, sizeof(col), "#eeeeee");
			else
				heat_colour(col, sizeof(col), v, h->ref[c]);
			fputs("<g><title>", f);
			esc_html(f, h->rows[r]);
			fputs(", ", f);
			esc_html(f, h->cols[c]);
			fputs(": ", f);
			esc_html(f, h->alt[r * h->ncols + c]);
			fprintf(f,
			    "</title><rect x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"#ffffff\"/><text x=\"%d\" y=\"%d\" "
			    "text-anchor=\"middle\">",
			    x, y, cw, rh, col, x + cw / 2, y + 14);
			esc_html(f, h->alt[r * h->ncols + c]);
			fputs("</text></g>\n", f);
		}
	}
	fputs("</svg>\n</figure>\n", f);
}

static const struct report_emit html_emit = { .begin = html_begin,
	.table_spark = html_table_spark,
	.heatmap = html_heatmap,
	.banner = html_banner,
	.end = html_end,
	.heading = html_heading,
	.para = html_para,
	.table = html_table,
	.list = html_list,
	.bars = html_bars };

const struct report_emit *
report_html_emit(void)
{
	return &html_emit;
}
