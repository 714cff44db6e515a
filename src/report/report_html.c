/* report_html: the HTML emitter of the yearly report: one self-contained
 * file (inline CSS, bar charts as inline SVG with a text alternative and
 * the figures in a table), every text escaped, readable when printed. */
#include "report/report.h"

#include <string.h>

#include "util/i18n.h"

static void
html_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static const char html_css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;"
    "max-width:60em;margin:2em auto;padding:0 1em;color:#1a1a1a;"
    "line-height:1.45}\n"
    "h1{font-size:1.8em;border-bottom:2px solid #1a1a1a}\n"
    "h2{font-size:1.35em;margin-top:2em;border-bottom:1px solid #999}\n"
    "h3{font-size:1.1em;margin-top:1.6em;break-after:avoid}\n"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;"
    "break-inside:avoid}\n"
    "th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right;"
    "vertical-align:top}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "th{background:#eee}\n"
    "figure{margin:.6em 0 1.2em;break-inside:avoid}\n"
    "figcaption{font-weight:600;margin-bottom:.3em}\n"
    "svg .bar{fill:#2b6cb0}svg .track{fill:#e6e6e6}\n"
    "svg text{font-size:12px;fill:#1a1a1a}\n"
    "ul.texts li{margin:.3em 0;white-space:pre-wrap}\n"
    ".sample{background:#fff3cd;border:2px solid #b7791f;color:#5c3d00;"
    "font-weight:700;padding:.3em .6em;margin:.5em 0}\n"
    "@media print{body{margin:0;max-width:none}"
    "svg .bar{fill:#555}"
    /* fixed: Chromium repeats it at the top of every printed page */
    ".sample{position:fixed;top:0;left:0;right:0;margin:0;"
    "font-size:9pt;padding:.1em .4em}"
    "body.has-sample{padding-top:2.2em}}\n";

static void
html_begin(FILE *f, const char *title)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n", i18n_lang());
	fputs(
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    html_css);
}

static void
html_banner(FILE *f, const char *text)
{
	fputs("<script>document.body.className+=' has-sample'</script>\n"
	    "<div class=\"sample\" role=\"note\">", f);
	html_text(f, text);
	fputs("</div>\n", f);
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
	html_text(f, text);
	fprintf(f, "</h%d>\n", level);
}

static void
html_para(FILE *f, const char *text)
{
	fputs("<p>", f);
	html_text(f, text);
	fputs("</p>\n", f);
}

static void
html_table(FILE *f, size_t ncols, const char *const *head,
    const char *const *cells, size_t nrows)
{
	size_t r, c;

	fputs("<table>\n<thead><tr>", f);
	for (c = 0; c < ncols; c++) {
		fputs("<th scope=\"col\">", f);
		html_text(f, head[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (r = 0; r < nrows; r++) {
		fputs("<tr>", f);
		for (c = 0; c < ncols; c++) {
			fputs(c == 0 ? "<th scope=\"row\">" : "<td>", f);
			html_text(f, cells[r * ncols + c]);
			fputs(c == 0 ? "</th>" : "</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void
html_list(FILE *f, const char *const *items, size_t n, int ordered)
{
	size_t i;

	fputs(ordered ? "<ol>\n" : "<ul class=\"texts\">\n", f);
	for (i = 0; i < n; i++) {
		fputs("<li>", f);
		html_text(f, items[i]);
		fputs("</li>\n", f);
	}
	fputs(ordered ? "</ol>\n" : "</ul>\n", f);
}

/* Horizontal bars; the SVG's title and desc carry every figure, so a
 * screen reader or a text browser loses nothing. */
static void
html_bars(FILE *f, const char *title, const char *const *labels,
    const double *shares, const char *const *figures, size_t n)
{
	size_t i;
	const int lw = 200, bw = 300, h = 20;

	fputs("<figure>\n<figcaption>", f);
	html_text(f, title);
	fprintf(f, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\">"
	    "\n<title>", lw + bw + 120, n * (size_t)h + 4, lw + bw + 120,
	    n * (size_t)h + 4);
	html_text(f, title);
	fputs("</title>\n<desc>", f);
	for (i = 0; i < n; i++) {
		html_text(f, labels[i]);
		fputs(": ", f);
		html_text(f, figures[i]);
		fputs(i + 1 < n ? "; " : "", f);
	}
	fputs("</desc>\n", f);
	for (i = 0; i < n; i++) {
		int y = (int)i * h + 2;
		double s = shares[i] < 0 ? 0 : shares[i] > 1 ? 1 : shares[i];

		fprintf(f, "<text x=\"0\" y=\"%d\">", y + 14);
		html_text(f, labels[i]);
		fprintf(f, "</text><rect class=\"track\" x=\"%d\" y=\"%d\" "
		    "width=\"%d\" height=\"%d\"/><rect class=\"bar\" x=\"%d\" "
		    "y=\"%d\" width=\"%d\" height=\"%d\"/><text x=\"%d\" "
		    "y=\"%d\">", lw, y + 2, bw, h - 6, lw, y + 2,
		    (int)(s * bw + 0.5), h - 6, lw + bw + 6, y + 14);
		html_text(f, figures[i]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n</figure>\n", f);
}

static const struct report_emit html_emit = {
	.begin = html_begin,
	.banner = html_banner,
	.end = html_end,
	.heading = html_heading,
	.para = html_para,
	.table = html_table,
	.list = html_list,
	.bars = html_bars,
};

const struct report_emit *
report_html_emit(void)
{
	return &html_emit;
}
