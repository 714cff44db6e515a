/* form_print: the questionnaire as a person reads it, for approval (MBL,
 * the board): HTML for A4, Markdown, and a CSV codebook whose ids are the
 * ones the CSV report uses. Words of our own come from gettext, so the
 * caller sets the interface language to the form language it prints. */
#include "form/form_print.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/esc.h"
#include "util/i18n.h"
#include "util/xmem.h"

/* One writer per format: the same walk, different markup. */
struct pw {
	FILE *f;
	enum form_print_format fmt;
	const struct form *form;
	int li;
	struct form_words w;
};

static void
pw_text(const struct pw *p, const char *s)
{
	if (p->fmt == FORM_PRINT_HTML)
		esc_html(p->f, s);
	else
		esc_md(p->f, s);
}

static void
pw_words_init(struct pw *p)
{
	p->w.question = _("question %zu");
	p->w.is = _(" is ");
	p->w.is_not = _(" is not ");
	p->w.includes = _(" includes ");
	p->w.excludes = _(" does not include ");
	p->w.lt = _(" is less than ");
	p->w.le = _(" is at most ");
	p->w.gt = _(" is more than ");
	p->w.ge = _(" is at least ");
	p->w.in = _(" is one of ");
	p->w.and_ = _(" and ");
	p->w.or_ = _(" or ");
	p->w.not_ = _("not ");
	p->w.yes = _("Yes");
	p->w.no = _("No");
	p->w.other = _("Other, namely");
}

/* "Shown if question 3 is Yes", in a paragraph of its own. */
static void
pw_show_if(const struct pw *p, const struct form_expr *x)
{
	char *s;

	if (x == NULL)
		return;
	s = form_expr_words(x, p->form, p->li, &p->w);
	if (p->fmt == FORM_PRINT_HTML) {
		fputs("<p class=\"cond\">", p->f);
		pw_text(p, _("Shown if "));
		pw_text(p, s);
		fputs(".</p>\n", p->f);
	} else {
		fputs("*", p->f);
		pw_text(p, _("Shown if "));
		pw_text(p, s);
		fputs(".*\n\n", p->f);
	}
	free(s);
}

/* A note under a question ("Required", "Reported for the whole region
 * only"). */
static void
pw_note(const struct pw *p, const char *s)
{
	if (p->fmt == FORM_PRINT_HTML) {
		fputs("<p class=\"note\">", p->f);
		pw_text(p, s);
		fputs("</p>\n", p->f);
	} else {
		fputs("- ", p->f);
		pw_text(p, s);
		fputs("\n", p->f);
	}
}

/* A box to tick or a line to write on, then the text. */
static void
pw_option(const struct pw *p, const char *label, const char *value, int blank)
{
	if (p->fmt == FORM_PRINT_HTML) {
		fputs("<li><span class=\"box\" aria-hidden=\"true\">"
		      "\xe2\x98\x90</span> ",
		    p->f);
		if (value != NULL) {
			fputs("<span class=\"val\">", p->f);
			pw_text(p, value);
			fputs("</span> ", p->f);
		}
		pw_text(p, label);
		if (blank)
			fputs(" <span class=\"blank\"></span>", p->f);
		fputs("</li>\n", p->f);
	} else {
		fputs("- [ ] ", p->f);
		if (value != NULL) {
			pw_text(p, value);
			fputs(" ", p->f);
		}
		pw_text(p, label);
		fputs(blank ? " ____________________\n" : "\n", p->f);
	}
}

static void
pw_list(const struct pw *p, int open)
{
	if (p->fmt == FORM_PRINT_HTML)
		fputs(open ? "<ul class=\"opts\">\n" : "</ul>\n", p->f);
	else if (!open)
		fputs("\n", p->f);
}

static void
pw_answers(const struct pw *p, const struct form_question *q)
{
	char b[256];
	int32_t v;
	size_t i;

	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		if (q->type == FORM_SINGLE)
			pw_note(p, _("Choose one answer."));
		else if (q->max_choices > 0) {
			snprintf(b, sizeof b,
			    _("Choose one or more answers "
			      "(at most %u)."),
			    q->max_choices);
			pw_note(p, b);
		} else
			pw_note(p, _("Choose one or more answers."));
		pw_list(p, 1);
		for (i = 0; i < q->nchoices; i++)
			pw_option(p, form_text_get(&q->choices[i].label, p->li),
			    NULL, 0);
		if (q->other) {
			snprintf(b, sizeof b, "%s:", _("Other, namely"));
			pw_option(p, b, NULL, 1);
		}
		pw_list(p, 0);
		break;
	case FORM_SCALE:
	case FORM_NPS:
		snprintf(b, sizeof b, _("A scale from %ld to %ld."),
		    (long)q->min, (long)q->max);
		pw_note(p, b);
		pw_list(p, 1);
		for (v = q->min; v <= q->max; v++) {
			char num[16];
			const char *l = "";

			snprintf(num, sizeof num, "%ld", (long)v);
			if (v == q->min)
				l = form_text_get(&q->min_label, p->li);
			else if (v == q->max)
				l = form_text_get(&q->max_label, p->li);
			pw_option(p, l != NULL ? l : "", num, 0);
		}
		pw_list(p, 0);
		break;
	case FORM_YESNO:
		pw_list(p, 1);
		pw_option(p, _("Yes"), NULL, 0);
		pw_option(p, _("No"), NULL, 0);
		pw_list(p, 0);
		break;
	case FORM_NUMBER:
		snprintf(b, sizeof b,
		    _("A whole number from %ld to %ld: "
		      "________"),
		    (long)q->min, (long)q->max);
		pw_note(p, b);
		break;
	case FORM_TEXT:
		snprintf(b, sizeof b, _("Free text, at most %lu characters."),
		    (unsigned long)q->max_length);
		pw_note(p, b);
		if (p->fmt == FORM_PRINT_HTML)
			fputs("<div class=\"lines\"></div>\n", p->f);
		else
			fputs("\n> ______________________________\n>\n"
			      "> ______________________________\n\n",
			    p->f);
		break;
	}
}

static void
pw_question(const struct pw *p, size_t qi)
{
	const struct form_question *q = &p->form->questions[qi];
	const char *help = form_text_get(&q->help, p->li);

	if (p->fmt == FORM_PRINT_HTML) {
		fprintf(p->f,
		    "<div class=\"q%s\" id=\"q%zu\">\n<h3><span "
		    "class=\"num\">%zu.</span> ",
		    q->nchoices > 8 || (q->type == FORM_NPS) ? " long" : "",
		    qi + 1, qi + 1);
		pw_text(p, form_text_get(&q->label, p->li));
		fputs("</h3>\n", p->f);
		if (help != NULL) {
			fputs("<p class=\"help\">", p->f);
			pw_text(p, help);
			fputs("</p>\n", p->f);
		}
	} else {
		fprintf(p->f, "### %zu. ", qi + 1);
		pw_text(p, form_text_get(&q->label, p->li));
		fputs("\n\n", p->f);
		if (help != NULL) {
			pw_text(p, help);
			fputs("\n\n", p->f);
		}
	}
	pw_show_if(p, q->show_if);
	pw_answers(p, q);
	if (q->required == FORM_REQUIRED)
		pw_note(p,
		    _("Required: the interview cannot be sealed without "
		      "an answer (\"prefer not to answer\" counts as one)."));
	else if (q->required == FORM_SOFT)
		pw_note(p,
		    _("Should be answered: the interviewer is reminded "
		      "once if it is left empty."));
	if (q->report == FORM_SCOPE_REGION)
		pw_note(p,
		    _("Reported for the whole region only, never per "
		      "unit."));
	if (q->sensitive != 0)
		pw_note(p,
		    _("Sensitive: no report shows a group in which "
		      "(almost) everyone gave the sensitive answer."));
	if (p->fmt == FORM_PRINT_HTML)
		fputs("</div>\n", p->f);
	else
		fputs("\n", p->f);
}

static const char html_style[] =
    "<style>\n"
    "@page { size: A4; margin: 20mm 18mm 22mm 18mm; }\n"
    "body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif;\n"
    "  font-size: 10.5pt; line-height: 1.4; color: #111; max-width: 174mm;\n"
    "  margin: 0 auto; overflow-wrap: break-word; }\n"
    "h1 { font-size: 18pt; margin: 0 0 4mm; }\n"
    "h2 { font-size: 13.5pt; margin: 8mm 0 3mm; border-bottom: 1px solid #999;\n"
    "  break-after: avoid; page-break-after: avoid; }\n"
    "h3 { font-size: 11pt; margin: 0 0 1.5mm; break-after: avoid;\n"
    "  page-break-after: avoid; }\n"
    ".num { color: #555; }\n"
    ".q { margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }\n"
    ".q.long { break-inside: auto; page-break-inside: auto; }\n"
    ".help { font-style: italic; margin: 0 0 1.5mm; }\n"
    ".cond { margin: 0 0 1.5mm; color: #333; border-left: 3px solid #888;\n"
    "  padding-left: 2mm; }\n"
    ".note { margin: 1mm 0; font-size: 9.5pt; color: #333; }\n"
    ".self { border: 2px solid #333; padding: 2mm 3mm; margin: 0 0 4mm;\n"
    "  break-inside: avoid; }\n"
    ".script { white-space: pre-wrap; border-left: 3px solid #999;\n"
    "  padding-left: 3mm; }\n"
    "ul.opts { list-style: none; padding-left: 4mm; margin: 1mm 0; }\n"
    "ul.opts li { margin: 0.6mm 0; }\n"
    ".box { font-size: 12pt; }\n"
    ".blank { display: inline-block; width: 60mm; border-bottom: 1px solid #555;\n"
    "  height: 1em; vertical-align: bottom; }\n"
    ".val { display: inline-block; min-width: 6mm; font-weight: bold; }\n"
    ".lines { height: 18mm; border-bottom: 1px solid #999;\n"
    "  background: repeating-linear-gradient(transparent 0, transparent 5.5mm,\n"
    "  #bbb 5.5mm, #bbb 6mm); }\n"
    "dl.meta { display: grid; grid-template-columns: max-content 1fr;\n"
    "  gap: 0.5mm 4mm; font-size: 9.5pt; }\n"
    "dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0;\n"
    "  overflow-wrap: anywhere; }\n"
    "footer { font-size: 8pt; color: #444; border-top: 1px solid #bbb;\n"
    "  padding-top: 1mm; margin-top: 10mm; overflow-wrap: anywhere; }\n"
    "@media print { footer { display: none; } }\n"
    "@page { @bottom-right { content: counter(page) \" / \" counter(pages);\n  font-family: sans-serif;"
    "  font-size: 8pt; color: #444; } }\n";

/* Text inside a CSS string: quotes, backslashes and line ends escaped
 * (\\22, \\5C, a space for any control character). */
static void
pw_css_string(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputs("\\22 ", f);
		else if (*s == '\\')
			fputs("\\5C ", f);
		else if ((unsigned char)*s < 0x20 || *s == '<')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void
pw_meta(const struct pw *p, const char *hex)
{
	char b[64];

	snprintf(b, sizeof b, "%lu", (unsigned long)p->form->version);
	if (p->fmt == FORM_PRINT_HTML) {
		fputs("<dl class=\"meta\">\n<dt>", p->f);
		pw_text(p, _("Form"));
		fputs("</dt><dd>", p->f);
		pw_text(p, p->form->id);
		fputs("</dd>\n<dt>", p->f);
		pw_text(p, _("Version"));
		fprintf(p->f, "</dt><dd>%s</dd>\n<dt>", b);
		pw_text(p, _("Form hash"));
		fprintf(p->f, "</dt><dd><code>%s</code></dd>\n</dl>\n", hex);
	} else {
		fprintf(p->f, "%s: %s  \n%s: %s  \n%s: `%s`\n\n", _("Form"),
		    p->form->id, _("Version"), b, _("Form hash"), hex);
	}
}

static void
pw_heading(const struct pw *p, int level, const char *s)
{
	if (p->fmt == FORM_PRINT_HTML) {
		fprintf(p->f, "<h%d>", level);
		pw_text(p, s);
		fprintf(p->f, "</h%d>\n", level);
	} else {
		fprintf(p->f, "%.*s ", level, "###");
		pw_text(p, s);
		fputs("\n\n", p->f);
	}
}

static void
pw_para(const struct pw *p, const char *cls, const char *s)
{
	if (p->fmt == FORM_PRINT_HTML) {
		fprintf(p->f, "<p class=\"%s\">", cls);
		pw_text(p, s);
		fputs("</p>\n", p->f);
	} else {
		pw_text(p, s);
		fputs("\n\n", p->f);
	}
}

static int
print_doc(struct pw *p)
{
	const struct form *f = p->form;
	char hex[2 * FORM_HASH_BYTES + 1], b[512];
	const char *title = form_text_get(&f->title, p->li);
	size_t s, q;

	form_hash_hex(f, hex);
	if (p->fmt == FORM_PRINT_HTML) {
		fprintf(p->f,
		    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n<title>",
		    f->langs[p->li]);
		pw_text(p, title);
		fputs("</title>\n", p->f);
		fputs(html_style, p->f);
		/* the same line at the foot of every printed page */
		fputs(
		    "@page { @bottom-left { font: 7.5pt sans-serif; color: #444; "
		    "content: \"",
		    p->f);
		pw_css_string(p->f, title);
		fprintf(p->f,
		    " \\B7  %s %s, %s %lu \\B7  %s %s\"; } }\n"
		    "</style>\n</head>\n<body>\n",
		    _("form"), f->id, _("version"), (unsigned long)f->version,
		    _("hash"), hex);
		fputs("<main>\n", p->f);
	}
	pw_heading(p, 1, title);
	pw_meta(p, hex);
	pw_para(p, "lead",
	    _("This is the questionnaire of the exit "
	      "interview as the interviewer walks through it. Every question "
	      "can also be answered with \"prefer not to answer\". Questions "
	      "with a condition are asked only when it holds."));
	pw_heading(p, 2, _("Read to the leaver first"));
	pw_para(p, "script", form_text_get(&f->intro, p->li));
	for (s = 0; s < f->nsections; s++) {
		const struct form_section *sec = &f->sections[s];

		snprintf(b, sizeof b, _("Part %zu: %s"), s + 1,
		    form_text_get(&sec->title, p->li));
		pw_heading(p, 2, b);
		if (sec->self)
			pw_para(p, "self",
			    _("The leaver answers this part "
			      "alone on the laptop. The interviewer hands the "
			      "laptop over, does not see these answers, and "
			      "takes the laptop back when the leaver has "
			      "confirmed."));
		pw_show_if(p, sec->show_if);
		for (q = sec->first; q < sec->first + sec->count; q++)
			pw_question(p, q);
	}
	pw_heading(p, 2, _("At the end"));
	pw_para(p, "script",
	    _("The interviewer reads the free-text answers "
	      "back to the leaver and removes names and other details that "
	      "could point to a person. Then the interview is sealed: after "
	      "that nobody can open, read or change it on the laptop, not even "
	      "the interviewer. Only HR's central store can open it, and "
	      "reports show figures only for groups large enough that no one "
	      "can be recognised."));
	if (p->fmt == FORM_PRINT_HTML) {
		/* on screen; on paper the page foot (@page) says it */
		fputs("</main>\n<footer>", p->f);
		pw_text(p, title);
		fprintf(p->f,
		    " \xc2\xb7 %s %s, %s %lu \xc2\xb7 %s <code>%s"
		    "</code></footer>\n</body>\n</html>\n",
		    _("form"), f->id, _("version"), (unsigned long)f->version,
		    _("hash"), hex);
	} else
		fprintf(p->f, "---\n\n%s %s, %s %lu, %s `%s`\n", _("form"),
		    f->id, _("version"), (unsigned long)f->version, _("hash"),
		    hex);
	return 0;
}

/* The codebook: one line per question and one per answer category, with
 * the ids the CSV report writes in its question and category columns. */
static int
print_codebook(struct pw *p)
{
	const struct form *f = p->form;
	char num[32];
	size_t q, i;
	int32_t v;

	fputs("\xef\xbb\xbf", p->f);
	fprintf(p->f, "%s;%s;%s;%s;%s;%s;%s;%s\r\n", _("number"), _("question"),
	    _("part"), _("type"), _("text"), _("category"), _("category text"),
	    _("reported"));
#define CB(n, id, sec, type, text, cat, cattext, rep) \
	do { \
		esc_csv(p->f, n); \
		fputc(';', p->f); \
		esc_csv(p->f, id); \
		fputc(';', p->f); \
		esc_csv(p->f, sec); \
		fputc(';', p->f); \
		esc_csv(p->f, type); \
		fputc(';', p->f); \
		esc_csv(p->f, text); \
		fputc(';', p->f); \
		esc_csv(p->f, cat); \
		fputc(';', p->f); \
		esc_csv(p->f, cattext); \
		fputc(';', p->f); \
		esc_csv(p->f, rep); \
		fputs("\r\n", p->f); \
	} while (0)
	for (q = 0; q < f->nquestions; q++) {
		const struct form_question *fq = &f->questions[q];
		const char *sec = f->sections[fq->section].id;
		const char *rep = fq->report == FORM_SCOPE_REGION ? "region" :
								    "unit";
		const char *type = form_type_name(fq->type);

		snprintf(num, sizeof num, "%zu", q + 1);
		CB(num, fq->id, sec, type, form_text_get(&fq->label, p->li), "",
		    "", rep);
		switch (fq->type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			for (i = 0; i < fq->nchoices; i++)
				CB(num, fq->id, sec, type, "",
				    fq->choices[i].id,
				    form_text_get(&fq->choices[i].label, p->li),
				    rep);
			if (fq->other)
				CB(num, fq->id, sec, type, "", "other",
				    _("Other, namely"), rep);
			break;
		case FORM_YESNO:
			CB(num, fq->id, sec, type, "", "yes", _("Yes"), rep);
			CB(num, fq->id, sec, type, "", "no", _("No"), rep);
			break;
		case FORM_SCALE:
		case FORM_NPS:
			for (v = fq->min; v <= fq->max; v++) {
				char cat[16];
				const char *l = "";

				snprintf(cat, sizeof cat, "%ld", (long)v);
				if (v == fq->min)
					l = form_text_get(&fq->min_label,
					    p->li);
				else if (v == fq->max)
					l = form_text_get(&fq->max_label,
					    p->li);
				CB(num, fq->id, sec, type, "", cat,
				    l != NULL ? l : "", rep);
			}
			break;
		default:
			break;
		}
	}
#undef CB
	return 0;
}

int
form_print_format_parse(const char *s, enum form_print_format *out)
{
	if (strcmp(s, "html") == 0)
		*out = FORM_PRINT_HTML;
	else if (strcmp(s, "md") == 0)
		*out = FORM_PRINT_MD;
	else if (strcmp(s, "codebook") == 0)
		*out = FORM_PRINT_CODEBOOK;
	else
		return -1;
	return 0;
}

int
form_print(FILE *out, const struct form *f, int li, enum form_print_format fmt,
    struct err *e)
{
	struct pw p;

	memset(&p, 0, sizeof p);
	p.f = out;
	p.fmt = fmt;
	p.form = f;
	p.li = li >= 0 && (size_t)li < f->nlangs ? li : 0;
	pw_words_init(&p);
	if (fmt == FORM_PRINT_CODEBOOK)
		print_codebook(&p);
	else
		print_doc(&p);
	if (fflush(out) == EOF || ferror(out))
		return err_setc(e, errno == ENOSPC ? ERR_FULL : ERR_IO,
		    _("cannot write: %s"), strerror(errno));
	return 0;
}
