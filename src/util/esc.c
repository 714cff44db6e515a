/* esc: escaping for HTML, Markdown and CSV output. */
#include "util/esc.h"

#include <string.h>

void
esc_html(FILE *f, const char *s)
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

void
esc_md(FILE *f, const char *s)
{
	int bol = 1;
	const char *d;

	for (; *s != '\0'; s++) {
		if (bol) {
			/* "# x", "- x", "+ x", "1. x" start blocks */
			if (*s == '#' ||
			    ((*s == '-' || *s == '+') && s[1] == ' '))
				fputc('\\', f);
			for (d = s; *d >= '0' && *d <= '9'; d++)
				;
			if (d > s && *d == '.' && d[1] == ' ') {
				fwrite(s, 1, (size_t)(d - s), f);
				fputs("\\.", f);
				s = d;
				bol = 0;
				continue;
			}
		}
		bol = *s == '\n';
		if (strchr("\\`*_[]<>|", *s) != NULL)
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* 1 if s is a plain number ("-12", "0,25"): a formula-safe cell as it
 * is, so that eNPS -76 stays a number in a spreadsheet. */
static int
esc_is_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while ((*p >= '0' && *p <= '9') || *p == ',' || *p == '.')
		p++;
	return *p == '\0';
}

void
esc_csv(FILE *f, const char *s)
{
	int formula = strchr("=+-@\t\r", *s) != NULL && *s != '\0' &&
	    !esc_is_number(s);

	if (!formula && strpbrk(s, ";\"\r\n\t") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
