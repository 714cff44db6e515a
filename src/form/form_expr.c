/* form_expr: the show_if language. Parsed once at load time against the
 * questions before it, evaluated on the session's answers. */
#include "form/form.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define X_OTHER INT32_MIN /* the value "other" (other, namely) */
#define X_MAX_IDENT 64
/* Recursion guard: the printed form of a tree of the allowed height
 * nests parentheses and "not" at most twice as deep. */
#define XP_MAX_RECURSION (2 * FORM_EXPR_MAX_DEPTH + 2)

enum xop {
	X_OR,
	X_AND,
	X_NOT,
	X_EQ,
	X_NE,
	X_LT,
	X_LE,
	X_GT,
	X_GE,
	X_IN
};

static const char *const xop_names[] = { "or", "and", "not", "==", "!=", "<",
	"<=", ">", ">=", "in" };

struct form_expr {
	enum xop op;
	struct form_expr *a, *b; /* and, or: both; not: a */
	size_t q;		 /* comparisons: question index */
	int32_t *vals;		 /* ==..>=: one value; in: a list */
	size_t nvals;
	int height; /* 1 for a comparison */
};

enum tok {
	T_END,
	T_ID,
	T_INT,
	T_LP,
	T_RP,
	T_LB,
	T_RB,
	T_COMMA,
	T_OP
};

struct xp {
	const struct form *f;
	size_t before;
	const char *s;
	size_t len, pos;
	enum tok t; /* current token */
	size_t tpos, tlen;
	enum xop op;	/* T_OP */
	long long ival; /* T_INT, clamped */
	int depth;
	struct err *e;
	size_t errpos;
};

static struct form_expr *xp_or(struct xp *);

static int xp_fail(struct xp *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
xp_fail(struct xp *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	p->errpos = pos;
	if (p->e != NULL) {
		va_start(ap, fmt);
		vsnprintf(p->e->msg, sizeof p->e->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The current token as text for messages (bounded, always printable:
 * the tokenizer only accepts ASCII tokens). */
static const char *
xp_tokstr(const struct xp *p, char *buf, size_t sz)
{
	size_t n = p->tlen;

	if (p->t == T_END)
		return _("the end");
	if (n > 40)
		n = 40;
	snprintf(buf, sz, "'%.*s'", (int)n, p->s + p->tpos);
	return buf;
}

static int
xp_is(const struct xp *p, const char *word)
{
	return p->t == T_ID && p->tlen == strlen(word) &&
	    memcmp(p->s + p->tpos, word, p->tlen) == 0;
}

static int
xp_keyword(const struct xp *p)
{
	return xp_is(p, "and") || xp_is(p, "or") || xp_is(p, "not") ||
	    xp_is(p, "in");
}

/* Read the next token; -1 on a character no token starts with. */
static int
xp_next(struct xp *p)
{
	const char *s = p->s;
	size_t i;
	unsigned char c;

	while (p->pos < p->len && s[p->pos] == ' ')
		p->pos++;
	p->tpos = p->pos;
	p->tlen = 0;
	if (p->pos >= p->len) {
		p->t = T_END;
		return 0;
	}
	c = (unsigned char)s[p->pos];
	i = p->pos;
	if (c >= 'a' && c <= 'z') {
		while (i < p->len &&
		    ((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			i++;
		p->t = T_ID;
	} else if ((c >= '0' && c <= '9') ||
	    (c == '-' && i + 1 < p->len && s[i + 1] >= '0' &&
		s[i + 1] <= '9')) {
		p->ival = 0;
		if (c == '-')
			i++;
		while (i < p->len && s[i] >= '0' && s[i] <= '9') {
			if (p->ival < 100000000000LL)
				p->ival = p->ival * 10 + (s[i] - '0');
			i++;
		}
		if (c == '-')
			p->ival = -p->ival;
		p->t = T_INT;
	} else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
		p->t = c == '(' ? T_LP :
		    c == ')'	? T_RP :
		    c == '['	? T_LB :
		    c == ']'	? T_RB :
				  T_COMMA;
		i++;
	} else if (c == '=' || c == '!' || c == '<' || c == '>') {
		int eq = i + 1 < p->len && s[i + 1] == '=';

		if ((c == '=' || c == '!') && !eq)
			return xp_fail(p, i, _("expected '%c=', found '%c'"), c,
			    c);
		p->t = T_OP;
		p->op = c == '=' ? X_EQ :
		    c == '!'	 ? X_NE :
		    c == '<'	 ? (eq ? X_LE : X_LT) :
				   (eq ? X_GE : X_GT);
		i += eq ? 2 : 1;
	} else if (c >= 0x21 && c < 0x7f)
		return xp_fail(p, i, _("unexpected character '%c'"), c);
	else
		return xp_fail(p, i,
		    _("unexpected character (byte 0x%02x): "
		      "use only a-z, 0-9, _, spaces and operators"),
		    c);
	p->pos = i;
	p->tlen = i - p->tpos;
	if (p->t == T_ID && p->tlen > X_MAX_IDENT)
		return xp_fail(p, p->tpos, _("name longer than %d characters"),
		    X_MAX_IDENT);
	return 0;
}

static struct form_expr *
xp_node(enum xop op, struct form_expr *a, struct form_expr *b)
{
	struct form_expr *x = xcalloc(1, sizeof *x);

	x->op = op;
	x->a = a;
	x->b = b;
	x->height = 1;
	if (a != NULL && a->height + 1 > x->height)
		x->height = a->height + 1;
	if (b != NULL && b->height + 1 > x->height)
		x->height = b->height + 1;
	return x;
}

/* The tree's height is bounded, not only the source's nesting: a long
 * "a or b or c ..." chain prints as deeply nested parentheses, and the
 * printed form must stay within what the parser accepts. */
static struct form_expr *
xp_check_height(struct xp *p, struct form_expr *x)
{
	if (x->height <= FORM_EXPR_MAX_DEPTH)
		return x;
	xp_fail(p, p->tpos, _("expression nested deeper than %d levels"),
	    FORM_EXPR_MAX_DEPTH);
	form_expr_free(x);
	return NULL;
}

static int
xp_numeric(enum form_type t)
{
	return t == FORM_SCALE || t == FORM_NPS || t == FORM_NUMBER;
}

/* One value on the right of a comparison with question q: a choice id or
 * other, yes/no, or an integer in the question's range. */
static int
xp_value(struct xp *p, const struct form_question *q, int32_t *out)
{
	char tb[48];
	size_t i;

	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		if (p->t != T_ID)
			return xp_fail(p, p->tpos,
			    _("expected a choice id of "
			      "'%s', found %s"),
			    q->id, xp_tokstr(p, tb, sizeof tb));
		if (xp_is(p, "other")) {
			if (!q->other)
				return xp_fail(p, p->tpos,
				    _("'%s' has no "
				      "choice 'other' (it does not set "
				      "other: true)"),
				    q->id);
			*out = X_OTHER;
			return xp_next(p);
		}
		for (i = 0; i < q->nchoices; i++)
			if (q->choices[i].id != NULL &&
			    strlen(q->choices[i].id) == p->tlen &&
			    memcmp(q->choices[i].id, p->s + p->tpos, p->tlen) ==
				0) {
				*out = (int32_t)i;
				return xp_next(p);
			}
		return xp_fail(p, p->tpos, _("'%s' has no choice %s"), q->id,
		    xp_tokstr(p, tb, sizeof tb));
	case FORM_YESNO:
		if (xp_is(p, "yes") || xp_is(p, "no")) {
			*out = xp_is(p, "yes") ? FORM_YES : FORM_NO;
			return xp_next(p);
		}
		return xp_fail(p, p->tpos,
		    _("'%s' is a yesno question: "
		      "expected yes or no, found %s"),
		    q->id, xp_tokstr(p, tb, sizeof tb));
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		if (p->t != T_INT)
			return xp_fail(p, p->tpos,
			    _("expected an integer for "
			      "'%s', found %s"),
			    q->id, xp_tokstr(p, tb, sizeof tb));
		if (p->ival < q->min || p->ival > q->max)
			return xp_fail(p, p->tpos,
			    _("%s is outside the range "
			      "%ld..%ld of '%s'"),
			    xp_tokstr(p, tb, sizeof tb), (long)q->min,
			    (long)q->max, q->id);
		*out = (int32_t)p->ival;
		return xp_next(p);
	case FORM_TEXT:
		break;
	}
	/* A question whose type did not load: already reported. */
	*out = 0;
	return xp_next(p);
}

/* ID OP VALUE or ID in [VALUE, ...]. */
static struct form_expr *
xp_compare(struct xp *p)
{
	const struct form_question *q;
	struct form_expr *x;
	char tb[48];
	long qi;
	size_t idpos = p->tpos, cap = 0;
	int32_t v;

	qi = -1;
	for (size_t i = 0; i < p->f->nquestions; i++) {
		const char *id = p->f->questions[i].id;

		if (id != NULL && strlen(id) == p->tlen &&
		    memcmp(id, p->s + p->tpos, p->tlen) == 0) {
			qi = (long)i;
			break;
		}
	}
	if (qi < 0) {
		xp_fail(p, idpos, _("unknown question %s"),
		    xp_tokstr(p, tb, sizeof tb));
		return NULL;
	}
	q = &p->f->questions[qi];
	if ((size_t)qi >= p->before) {
		xp_fail(p, idpos,
		    _("'%s' is not an earlier question: show_if "
		      "may only refer to questions before it"),
		    q->id);
		return NULL;
	}
	if (xp_next(p) == -1)
		return NULL;
	if (p->t != T_OP && !xp_is(p, "in")) {
		xp_fail(p, p->tpos,
		    _("expected ==, !=, <, <=, >, >= or in "
		      "after '%s', found "
		      "%s"),
		    q->id, xp_tokstr(p, tb, sizeof tb));
		return NULL;
	}
	if (q->type == FORM_TEXT) {
		xp_fail(p, idpos,
		    _("'%s' is a text question and cannot be "
		      "compared"),
		    q->id);
		return NULL;
	}
	x = xp_node(p->t == T_OP ? p->op : X_IN, NULL, NULL);
	x->q = (size_t)qi;
	if (x->op >= X_LT && x->op <= X_GE && !xp_numeric(q->type) &&
	    q->type <= FORM_TEXT) {
		xp_fail(p, p->tpos,
		    _("'%s' needs a scale, nps or number "
		      "question; '%s' is %s"),
		    xop_names[x->op], q->id, form_type_name(q->type));
		form_expr_free(x);
		return NULL;
	}
	if (xp_next(p) == -1)
		goto fail;
	if (x->op != X_IN) {
		if (xp_value(p, q, &v) == -1)
			goto fail;
		x->vals = xmalloc(sizeof *x->vals);
		x->vals[0] = v;
		x->nvals = 1;
		return x;
	}
	if (p->t != T_LB) {
		xp_fail(p, p->tpos, _("expected '[' after 'in', found %s"),
		    xp_tokstr(p, tb, sizeof tb));
		goto fail;
	}
	if (xp_next(p) == -1)
		goto fail;
	for (;;) {
		if (xp_value(p, q, &v) == -1)
			goto fail;
		if (x->nvals == cap) {
			cap = cap ? cap * 2 : 4;
			x->vals = xreallocarray(x->vals, cap, sizeof *x->vals);
		}
		x->vals[x->nvals++] = v;
		if (p->t == T_RB)
			break;
		if (p->t != T_COMMA) {
			xp_fail(p, p->tpos, _("expected ',' or ']', found %s"),
			    xp_tokstr(p, tb, sizeof tb));
			goto fail;
		}
		if (xp_next(p) == -1)
			goto fail;
	}
	if (xp_next(p) == -1)
		goto fail;
	return x;
fail:
	form_expr_free(x);
	return NULL;
}

static struct form_expr *
xp_primary(struct xp *p)
{
	struct form_expr *x;
	char tb[48];

	if (p->t == T_LP) {
		size_t lp = p->tpos;

		if (++p->depth > XP_MAX_RECURSION) {
			xp_fail(p, p->tpos,
			    _("expression nested deeper than "
			      "%d levels"),
			    FORM_EXPR_MAX_DEPTH);
			return NULL;
		}
		if (xp_next(p) == -1 || (x = xp_or(p)) == NULL)
			return NULL;
		if (p->t != T_RP) {
			xp_fail(p, p->tpos,
			    _("expected ')' to match the '(' "
			      "%zu characters earlier, found %s"),
			    p->tpos - lp, xp_tokstr(p, tb, sizeof tb));
			form_expr_free(x);
			return NULL;
		}
		p->depth--;
		if (xp_next(p) == -1) {
			form_expr_free(x);
			return NULL;
		}
		return x;
	}
	if (p->t == T_ID && !xp_keyword(p))
		return xp_compare(p);
	xp_fail(p, p->tpos, _("expected a question id, 'not' or '(', found %s"),
	    xp_tokstr(p, tb, sizeof tb));
	return NULL;
}

static struct form_expr *
xp_not(struct xp *p)
{
	struct form_expr *a;

	if (!xp_is(p, "not"))
		return xp_primary(p);
	if (++p->depth > XP_MAX_RECURSION) {
		xp_fail(p, p->tpos,
		    _("expression nested deeper than %d "
		      "levels"),
		    FORM_EXPR_MAX_DEPTH);
		return NULL;
	}
	if (xp_next(p) == -1 || (a = xp_not(p)) == NULL)
		return NULL;
	p->depth--;
	return xp_check_height(p, xp_node(X_NOT, a, NULL));
}

/* "or" binds looser than "and", and both looser than "not": a chain of
 * level's word is left-associative over the next level's operands. */
static const struct {
	const char *word;
	enum xop op;
} xp_levels[] = { { "or", X_OR }, { "and", X_AND } };
#define XP_NLEVELS (sizeof xp_levels / sizeof xp_levels[0])

static struct form_expr *
xp_chain(struct xp *p, size_t level)
{
	struct form_expr *l, *r;

	if (level == XP_NLEVELS)
		return xp_not(p);
	if ((l = xp_chain(p, level + 1)) == NULL)
		return NULL;
	while (xp_is(p, xp_levels[level].word)) {
		if (xp_next(p) == -1 || (r = xp_chain(p, level + 1)) == NULL) {
			form_expr_free(l);
			return NULL;
		}
		if ((l = xp_check_height(p,
			 xp_node(xp_levels[level].op, l, r))) == NULL)
			return NULL;
	}
	return l;
}

static struct form_expr *
xp_or(struct xp *p)
{
	return xp_chain(p, 0);
}

int
form_expr_parse(struct form_expr **out, const struct form *f, size_t before,
    const char *s, size_t len, size_t *errpos, struct err *e)
{
	struct xp p;
	struct form_expr *x;
	char tb[48];

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.f = f;
	p.before = before;
	p.s = s;
	p.len = len;
	p.e = e;
	if (len > FORM_EXPR_MAX_LEN) {
		xp_fail(&p, 0, _("expression longer than %d bytes"),
		    FORM_EXPR_MAX_LEN);
		goto fail;
	}
	if (memchr(s, '\0', len) != NULL) {
		xp_fail(&p, (size_t)((const char *)memchr(s, '\0', len) - s),
		    _("NUL byte in the expression"));
		goto fail;
	}
	if (xp_next(&p) == -1)
		goto fail;
	if (p.t == T_END) {
		xp_fail(&p, 0,
		    _("empty expression: expected a comparison "
		      "such as 'q == choice'"));
		goto fail;
	}
	if ((x = xp_or(&p)) == NULL)
		goto fail;
	if (p.t != T_END) {
		xp_fail(&p, p.tpos,
		    _("expected 'and', 'or' or the end, found "
		      "%s"),
		    xp_tokstr(&p, tb, sizeof tb));
		form_expr_free(x);
		goto fail;
	}
	*out = x;
	return 0;
fail:
	if (errpos != NULL)
		*errpos = p.errpos;
	return -1;
}

void
form_expr_free(struct form_expr *x)
{
	if (x == NULL)
		return;
	form_expr_free(x->a);
	form_expr_free(x->b);
	free(x->vals);
	free(x);
}

/* Does the answer hold value v? "Holds" is membership for multi. */
static int
xp_holds(const struct form_question *q, const struct form_answer *a, int32_t v)
{
	switch (q->type) {
	case FORM_SINGLE:
		if (v == X_OTHER)
			return a->other != 0;
		return !a->other && a->num == v;
	case FORM_MULTI:
		if (v == X_OTHER)
			return a->other != 0;
		return v >= 0 && v < 64 && ((a->choices >> v) & 1) != 0;
	default:
		return a->num == v;
	}
}

int
form_expr_eval(const struct form_expr *x, const struct form *f,
    const struct form_answer *answers)
{
	const struct form_question *q;
	const struct form_answer *a;
	size_t i;

	if (x == NULL)
		return 1;
	switch (x->op) {
	case X_OR:
		return form_expr_eval(x->a, f, answers) ||
		    form_expr_eval(x->b, f, answers);
	case X_AND:
		return form_expr_eval(x->a, f, answers) &&
		    form_expr_eval(x->b, f, answers);
	case X_NOT:
		return !form_expr_eval(x->a, f, answers);
	default:
		break;
	}
	if (x->q >= f->nquestions)
		return 0;
	q = &f->questions[x->q];
	a = &answers[x->q];
	/* No value (not shown, skipped, declined): every comparison is
	 * false, including != and in. */
	if (a->state != FORM_ANSWERED || q->type == FORM_TEXT)
		return 0;
	switch (x->op) {
	case X_EQ:
		return xp_holds(q, a, x->vals[0]);
	case X_NE:
		return !xp_holds(q, a, x->vals[0]);
	case X_LT:
		return a->num < x->vals[0];
	case X_LE:
		return a->num <= x->vals[0];
	case X_GT:
		return a->num > x->vals[0];
	case X_GE:
		return a->num >= x->vals[0];
	case X_IN:
		for (i = 0; i < x->nvals; i++)
			if (xp_holds(q, a, x->vals[i]))
				return 1;
		return 0;
	default:
		return 0;
	}
}

int
form_visible(const struct form *f, size_t q, const struct form_answer *answers)
{
	const struct form_question *qq;

	if (q >= f->nquestions)
		return 0;
	qq = &f->questions[q];
	if (qq->section < f->nsections &&
	    !form_expr_eval(f->sections[qq->section].show_if, f, answers))
		return 0;
	return form_expr_eval(qq->show_if, f, answers);
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void
xp_print_value(struct sbuf *b, const struct form_question *q, int32_t v)
{
	char num[16];

	if ((q->type == FORM_SINGLE || q->type == FORM_MULTI) && v == X_OTHER)
		sb_add(b, "other");
	else if ((q->type == FORM_SINGLE || q->type == FORM_MULTI) && v >= 0 &&
	    (size_t)v < q->nchoices && q->choices[v].id != NULL)
		sb_add(b, q->choices[v].id);
	else if (q->type == FORM_YESNO)
		sb_add(b, v == FORM_YES ? "yes" : "no");
	else {
		snprintf(num, sizeof num, "%ld", (long)v);
		sb_add(b, num);
	}
}

static void
xp_print(struct sbuf *b, const struct form_expr *x, const struct form *f)
{
	const struct form_question *q;
	size_t i;

	sb_add(b, "(");
	switch (x->op) {
	case X_OR:
	case X_AND:
		xp_print(b, x->a, f);
		sb_add(b, x->op == X_OR ? " or " : " and ");
		xp_print(b, x->b, f);
		break;
	case X_NOT:
		sb_add(b, "not ");
		xp_print(b, x->a, f);
		break;
	default:
		q = &f->questions[x->q];
		sb_add(b, q->id != NULL ? q->id : "?");
		sb_add(b, " ");
		sb_add(b, xop_names[x->op]);
		sb_add(b, x->op == X_IN ? " [" : " ");
		for (i = 0; i < x->nvals; i++) {
			if (i > 0)
				sb_add(b, ", ");
			xp_print_value(b, q, x->vals[i]);
		}
		if (x->op == X_IN)
			sb_add(b, "]");
		break;
	}
	sb_add(b, ")");
}

char *
form_expr_str(const struct form_expr *x, const struct form *f)
{
	struct sbuf b = { NULL, 0, 0 };

	if (x == NULL)
		return xstrdup("");
	xp_print(&b, x, f);
	return b.p;
}

int
form_expr_refs(const struct form_expr *x, uint8_t *refs, size_t n)
{
	int k = 0;

	if (x == NULL)
		return 0;
	switch (x->op) {
	case X_OR:
	case X_AND:
		k = form_expr_refs(x->a, refs, n);
		return k + form_expr_refs(x->b, refs, n);
	case X_NOT:
		return form_expr_refs(x->a, refs, n);
	default:
		if (x->q < n && !refs[x->q]) {
			refs[x->q] = 1;
			return 1;
		}
		return 0;
	}
}

/* A value in words in the form's language li: a choice's label, Yes or
 * No (the interface language, which print sets to li), a number. */
static void
xw_value(struct sbuf *b, const struct form_question *q, int32_t v, int li,
    const struct form_words *w)
{
	char num[16];

	if ((q->type == FORM_SINGLE || q->type == FORM_MULTI) && v == X_OTHER)
		sb_add(b, w->other);
	else if ((q->type == FORM_SINGLE || q->type == FORM_MULTI) && v >= 0 &&
	    (size_t)v < q->nchoices)
		sb_add(b, form_text_get(&q->choices[v].label, li));
	else if (q->type == FORM_YESNO)
		sb_add(b, v == FORM_YES ? w->yes : w->no);
	else {
		snprintf(num, sizeof num, "%ld", (long)v);
		sb_add(b, num);
	}
}

static void
xw_print(struct sbuf *b, const struct form_expr *x, const struct form *f,
    int li, const struct form_words *w, int top)
{
	const struct form_question *q;
	char num[32];
	size_t i;

	switch (x->op) {
	case X_OR:
	case X_AND:
		if (!top)
			sb_add(b, "(");
		xw_print(b, x->a, f, li, w, 0);
		sb_add(b, x->op == X_OR ? w->or_ : w->and_);
		xw_print(b, x->b, f, li, w, 0);
		if (!top)
			sb_add(b, ")");
		return;
	case X_NOT:
		sb_add(b, w->not_);
		sb_add(b, "(");
		xw_print(b, x->a, f, li, w, 1);
		sb_add(b, ")");
		return;
	default:
		break;
	}
	q = &f->questions[x->q];
	snprintf(num, sizeof num, w->question, x->q + 1);
	sb_add(b, num);
	switch (x->op) {
	case X_EQ:
		sb_add(b, q->type == FORM_MULTI ? w->includes : w->is);
		break;
	case X_NE:
		sb_add(b, q->type == FORM_MULTI ? w->excludes : w->is_not);
		break;
	case X_LT:
		sb_add(b, w->lt);
		break;
	case X_LE:
		sb_add(b, w->le);
		break;
	case X_GT:
		sb_add(b, w->gt);
		break;
	case X_GE:
		sb_add(b, w->ge);
		break;
	default:
		sb_add(b, x->nvals == 1 ? w->is : w->in);
		break;
	}
	for (i = 0; i < x->nvals; i++) {
		if (i > 0)
			sb_add(b, i + 1 == x->nvals ? w->or_ : ", ");
		xw_value(b, q, x->vals[i], li, w);
	}
}

char *
form_expr_words(const struct form_expr *x, const struct form *f, int li,
    const struct form_words *w)
{
	struct sbuf b = { NULL, 0, 0 };

	if (x == NULL)
		return xstrdup("");
	sb_add(&b, "");
	xw_print(&b, x, f, li, w, 1);
	return b.p;
}
