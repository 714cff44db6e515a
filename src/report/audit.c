/* audit: for every suppressed cell of every published table, the interval
 * an attacker holding all of them can still place it in, by linear
 * programming (GLPK); and every group whose sensitive answer the tables
 * determine.
 *
 * The model. An atom is the records of one unit, one year and one batch
 * (a release's records are batch 0; interviews that arrived after it and
 * entered a revision are batch 1, and so on). For each atom and question
 * the unknowns are the numbers not shown, skipped, declined and answered
 * (they add up to the number asked, a group size the attacker is given)
 * and the count of each category (single-choice kinds: they add up to
 * the answered; multi: each choice a yes/no cell, at most the answered).
 * Every shown figure says its members' unknowns add up to what it shows;
 * a banded figure (GATE_BAND) says its sensitive count is at least its
 * answered minus t; a follow-up whose show_if is a plain "or" of
 * "question == value" terms is shown to at least each term's count and
 * at most their sum. Atoms shown in a table of their own batch alone are
 * known constants. The LP relaxation is what an attacker can prove; an
 * integer attacker can only do better by rounding, which the pinned test
 * (width below one) already counts as pinned.
 *
 * Protected cells are those of figures hidden as GATE_FEW or GATE_BAND:
 * a category count pinned to a value above zero is a disclosure (pinned
 * at zero says that nobody in the group gave it, which is what the gate
 * allows: it protects that someone gave an answer, not that nobody did).
 * A figure hidden as a complement has k answers or more: working it out
 * is no more than showing it, and any hidden figure it would give away is
 * protected itself. Decomposed by year and by question group (a question
 * with the questions that open it), so that each LP stays small. */
#include "report/audit.h"
#include "report/audit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <sodium.h>

#include "util/i18n.h"
#include "util/xmem.h"

struct audit *
audit_new(const struct audit_params *p)
{
	struct audit *au = xcalloc(1, sizeof(*au));

	au->max_list = p != NULL && p->max_list ? p->max_list :
						  AUDIT_DEFAULT_LIST;
	au->no_list = p != NULL && p->no_list;
	au->no_certificates = p != NULL && p->no_certificates;
	au->no_cache = p != NULL && p->no_cache;
	return au;
}

void
audit_free(struct audit *au)
{
	size_t i;

	if (au == NULL)
		return;
	for (i = 0; i < au->ntabs; i++) {
		free(au->tabs[i].label);
		free(au->tabs[i].qk);
		free(au->tabs[i].codes);
		free(au->tabs[i].colof);
	}
	for (i = 0; i < au->nqs; i++)
		free(au->qs[i].key);
	free(au->tabs);
	free(au->qs);
	free(au);
}

static char *
au_qkey(const struct agg_question *q)
{
	return xasprintf("%s\037%s\037%d\037%zu", q->form_id, q->id,
	    (int)q->type, q->ncat);
}

static size_t
au_find_q(struct audit *au, const char *key)
{
	size_t i;

	for (i = 0; i < au->nqs; i++)
		if (strcmp(au->qs[i].key, key) == 0)
			return i;
	return AGG_NONE;
}

/* Category of value text v of question q, or AGG_NONE. */
static size_t
au_cat_of(const struct agg_question *q, const char *v)
{
	size_t c;
	long n;
	char *end;

	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		for (c = 0; c < q->ncat; c++)
			if (q->cat_ids != NULL && strcmp(q->cat_ids[c], v) == 0)
				return c;
		return AGG_NONE;
	case FORM_YESNO:
		return strcmp(v, "yes") == 0 ? 1 :
		    strcmp(v, "no") == 0     ? 0 :
					       AGG_NONE;
	case FORM_SCALE:
	case FORM_NPS:
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < q->min || n > q->max)
			return AGG_NONE;
		return (size_t)(n - q->min);
	default:
		return AGG_NONE;
	}
}

/* The terms of a show_if that is a plain "or" of "id == v" and "id in
 * [v, ...]": found from its canonical text; anything else links nothing
 * (the gate still hides the follow-up wherever an opener is hidden). */
static void
au_terms(struct audit *au, struct au_q *fq)
{
	const struct agg_question *aq = fq->aq;
	const struct form *f = aq->form;
	const struct form_question *q;
	const struct form_expr *x;
	char *s, *p, *w, *save = NULL;
	size_t i, n = 0;
	int ok = 1;

	if (f == NULL || aq->fq >= f->nquestions)
		return;
	q = &f->questions[aq->fq];
	x = q->show_if;
	if (q->section < f->nsections && f->sections[q->section].show_if) {
		if (x != NULL)
			return;
		x = f->sections[q->section].show_if;
	}
	if (x == NULL)
		return;
	s = form_expr_str(x, f);
	if (strstr(s, " and ") || strstr(s, "not ") || strstr(s, "!=") ||
	    strchr(s, '<') || strchr(s, '>')) {
		free(s);
		return;
	}
	/* "((a == x) or (b in [y, z]))" -> "a == x or b in y z" */
	for (p = w = s; *p; p++)
		if (*p != '(' && *p != ')' && *p != '[' && *p != ']' &&
		    *p != ',')
			*w++ = *p;
	*w = '\0';
	p = s;
	while (ok && p != NULL && *p != '\0') {
		char *term = p, *id, *op, *v;
		const struct agg_question *oq;
		size_t oi, c;

		p = strstr(p, " or ");
		if (p != NULL) {
			*p = '\0';
			p += 4;
		}
		id = strtok_r(term, " ", &save);
		op = strtok_r(NULL, " ", &save);
		if (id == NULL || op == NULL ||
		    (strcmp(op, "==") != 0 && strcmp(op, "in") != 0)) {
			ok = 0;
			break;
		}
		oi = AGG_NONE;
		for (i = 0; i < agg_nquestions(fq->t0->agg); i++) {
			oq = agg_question(fq->t0->agg, i);
			if (strcmp(oq->form_id, aq->form_id) == 0 &&
			    strcmp(oq->id, id) == 0) {
				char *k = au_qkey(oq);

				oi = au_find_q(au, k);
				free(k);
				break;
			}
		}
		if (oi == AGG_NONE) {
			ok = 0;
			break;
		}
		while ((v = strtok_r(NULL, " ", &save)) != NULL) {
			c = au_cat_of(au->qs[oi].aq, v);
			if (c == AGG_NONE || n == AU_MAXTERMS) {
				ok = 0;
				break;
			}
			fq->term_q[n] = oi;
			fq->term_c[n++] = c;
		}
	}
	free(s);
	fq->nterm = ok ? n : 0;
}

int
audit_add(struct audit *au, const struct gate_table *t, const char *label,
    const struct gate_table *base, struct err *e)
{
	struct au_tab *at;
	size_t c, i;

	if (t == NULL || t->agg == NULL)
		return err_setc(e, ERR_USAGE,
		    _("a table without its questions "
		      "cannot be audited"));
	au->tabs = xreallocarray(au->tabs, au->ntabs + 1, sizeof(*au->tabs));
	at = &au->tabs[au->ntabs];
	memset(at, 0, sizeof(*at));
	at->t = t;
	at->label = xstrdup(label != NULL ? label : "");
	at->base = -1;
	for (i = 0; base != NULL && i < au->ntabs; i++)
		if (au->tabs[i].t == base)
			at->base = (int)i;
	if (base != NULL && at->base < 0)
		return err_setc(e, ERR_USAGE,
		    _("the base of a revision must "
		      "be added to the audit first"));
	at->batch = au->nbatch++;
	at->qk = xcalloc(t->ncols ? t->ncols : 1, sizeof(*at->qk));
	for (c = 0; c < t->ncols; c++) {
		const struct agg_question *aq = agg_question(t->agg, c);
		char *k = au_qkey(aq);
		size_t qi = au_find_q(au, k);

		if (qi == AGG_NONE) {
			struct au_q *q;

			au->qs = xreallocarray(au->qs, au->nqs + 1,
			    sizeof(*au->qs));
			q = &au->qs[au->nqs];
			memset(q, 0, sizeof(*q));
			q->key = k;
			q->aq = aq;
			q->t0 = t;
			q->col0 = c;
			q->group = au->nqs;
			q->sens = gate_sensitive_cats(aq);
			q->band_cat = AGG_NONE;
			if (q->sens != 0 && (q->sens & (q->sens - 1)) == 0)
				for (q->band_cat = 0;
				     !(q->sens & ((uint64_t)1 << q->band_cat));
				     q->band_cat++)
					;
			qi = au->nqs++;
		} else {
			free(k);
		}
		at->qk[c] = qi;
	}
	au->ntabs++;
	return 0;
}

int
audit_add_late(struct audit *au, const struct gate_table *g, const char *label,
    const struct gate_table *of, struct err *e)
{
	size_t i;
	int batch = -1;

	for (i = 0; of != NULL && i < au->ntabs; i++)
		if (au->tabs[i].t == of && au->tabs[i].base >= 0)
			batch = au->tabs[i].batch;
	if (batch < 0 || g == NULL || g->year != of->year)
		return err_setc(e, ERR_USAGE,
		    _("the difference of a "
		      "revision must follow the revision, added with its base"));
	if (audit_add(au, g, label, NULL, e) != 0)
		return -1;
	au->nbatch--;
	au->tabs[au->ntabs - 1].batch = batch;
	return 0;
}

size_t
au_root(struct audit *au, size_t q)
{
	while (au->qs[q].group != q)
		q = au->qs[q].group = au->qs[au->qs[q].group].group;
	return q;
}

/* ---- verdicts kept ---------------------------------------------------
 *
 * A question group's verdict for a year depends on nothing but what is
 * hashed here: for every table of the year its batch, base and sensitive
 * t; its rows (kind, code, area, implausible); and, for every question of
 * the group (its key, sensitive answers and show_if terms), every figure
 * as published (reason, states, counts) and every group size. A clean
 * verdict (nothing pinned or determined) of a view's audit (no list) is
 * kept in this process under that digest, so the same tables (a frozen
 * release shown again, a dashboard opened again) are not audited twice.
 * A finding is never kept: it is found again. */
#define AU_CACHE 4096

static struct au_kept au_kept[AU_CACHE];
static size_t au_nkept, au_nextkept;

static void
au_h(crypto_generichash_state *h, const void *p, size_t n)
{
	crypto_generichash_update(h, p, n);
}

static void
au_hs(crypto_generichash_state *h, const char *s)
{
	uint32_t n = s != NULL ? (uint32_t)strlen(s) + 1 : 0;

	au_h(h, &n, sizeof(n));
	if (s != NULL)
		au_h(h, s, n);
}

void
au_digest(const struct audit *au, unsigned y, const size_t *gq, size_t ngq,
    unsigned char out[32])
{
	crypto_generichash_state h;
	size_t tab, r, i, c;
	uint64_t w;

	crypto_generichash_init(&h, (const unsigned char *)"avslut audit 1", 14,
	    32);
	au_h(&h, &y, sizeof(y));
	au_h(&h, &au->no_certificates, sizeof(au->no_certificates));
	for (i = 0; i < ngq; i++) {
		const struct au_q *q = &au->qs[gq[i]];
		size_t tm;

		au_hs(&h, q->key);
		au_h(&h, &q->sens, sizeof(q->sens));
		for (tm = 0; tm < q->nterm; tm++) {
			au_hs(&h, au->qs[q->term_q[tm]].key);
			w = q->term_c[tm];
			au_h(&h, &w, sizeof(w));
		}
	}
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct au_tab *tb = &au->tabs[tab];
		const struct gate_table *t = tb->t;

		if (t->year != y)
			continue;
		au_h(&h, &tab, sizeof(tab));
		au_h(&h, &tb->batch, sizeof(tb->batch));
		au_h(&h, &tb->base, sizeof(tb->base));
		au_h(&h, &t->sens_t, sizeof(t->sens_t));
		au_hs(&h, tb->label);
		for (r = 0; r < t->nrows; r++) {
			const struct gate_row *w0 = &t->rows[r];

			au_h(&h, &w0->kind, sizeof(w0->kind));
			au_hs(&h, w0->code);
			au_hs(&h, w0->area);
			au_h(&h, &w0->area_ix, sizeof(w0->area_ix));
			au_h(&h, &w0->implausible, sizeof(w0->implausible));
		}
		for (i = 0; i < ngq; i++) {
			size_t col = au_col(tb, gq[i]);

			w = col;
			au_h(&h, &w, sizeof(w));
			for (r = 0; col != AGG_NONE && r < t->nrows; r++) {
				const struct gate_fig *f = gate_fig(t, r, col);
				uint32_t s[5];

				s[0] = (uint32_t)f->reason;
				s[1] = f->answered;
				s[2] = f->declined;
				s[3] = f->skipped;
				s[4] = f->notshown;
				au_h(&h, s, sizeof(s));
				au_h(&h, &t->asked[r * t->ncols + col],
				    sizeof(*t->asked));
				for (c = 0; f->counts != NULL &&
				     c < au->qs[gq[i]].aq->ncat;
				     c++)
					au_h(&h, &f->counts[c],
					    sizeof(*f->counts));
			}
		}
	}
	crypto_generichash_final(&h, out, 32);
}

const struct au_kept *
au_kept_find(const unsigned char d[32])
{
	size_t i;

	for (i = 0; i < au_nkept; i++)
		if (memcmp(au_kept[i].d, d, 32) == 0)
			return &au_kept[i];
	return NULL;
}

void
au_keep(const unsigned char d[32], size_t suppressed, size_t certified)
{
	struct au_kept *k = &au_kept[au_nextkept];

	memcpy(k->d, d, 32);
	k->suppressed = suppressed;
	k->certified = certified;
	au_nextkept = (au_nextkept + 1) % AU_CACHE;
	if (au_nkept < AU_CACHE)
		au_nkept++;
}

int
audit_run(struct audit *au, struct audit_result *res, struct err *e)
{
	unsigned *years = NULL;
	size_t ny = 0, i, j, tab, r, c, q;

	memset(res, 0, sizeof(*res));
	glp_term_out(GLP_OFF);
	for (tab = 0; tab < au->ntabs; tab++)
		au_tab_index(au, &au->tabs[tab]);
	/* links: a question with the questions that open it */
	for (q = 0; q < au->nqs; q++)
		au_terms(au, &au->qs[q]);
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;
		size_t op[64], n;

		for (c = 0; c < t->ncols; c++) {
			n = gate_openers(t->agg, c, op, 64);
			for (j = 0; j < n; j++) {
				size_t a = au_root(au, au->tabs[tab].qk[c]);
				size_t b = au_root(au, au->tabs[tab].qk[op[j]]);

				au->qs[a].group = b;
			}
		}
	}
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;

		res->tables++;
		res->figures += t->nrows * t->ncols;
		for (r = 0; r < t->nrows; r++) {
			for (c = 0; c < t->ncols; c++) {
				const struct agg_question *aq =
				    agg_question(t->agg, c);
				const struct gate_fig *f = gate_fig(t, r, c);

				res->cells += aq->ncat ? aq->ncat : 1;
				/* a shown group must not show it either */
				for (j = 0; f->reason == GATE_SHOWN &&
				     j < aq->ncat && j < 64;
				     j++) {
					struct audit_cell cell;

					if (!(gate_sensitive_cats(aq) &
						((uint64_t)1 << j)) ||
					    f->answered == 0 ||
					    f->answered - f->counts[j] >=
						t->sens_t)
						continue;
					res->determined++;
					au_cell(&cell, AUDIT_DETERMINED,
					    &au->tabs[tab], r, aq, j, 0);
					au_bad(res, &cell);
				}
			}
			if (t->rows[r].kind == GATE_ROW_UNIT &&
			    t->rows[r].implausible) {
				struct audit_cell cell;

				res->implausible++;
				au_cell(&cell, AUDIT_IMPLAUSIBLE,
				    &au->tabs[tab], r, NULL, AGG_NONE, 0);
				au_bad(res, &cell);
			}
		}
		for (i = 0; i < ny && years[i] != t->year; i++)
			;
		if (i == ny) {
			years = xreallocarray(years, ny + 1, sizeof(*years));
			years[ny++] = t->year;
		}
	}
	for (i = 0; i < ny; i++)
		for (q = 0; q < au->nqs; q++)
			if (au_root(au, q) == q &&
			    au_group(au, years[i], q, res, e) != 0) {
				free(years);
				return -1;
			}
	free(years);
	return 0;
}

void
audit_result_free(struct audit_result *r)
{
	size_t i;

	for (i = 0; i < r->nnarrow; i++)
		au_cell_free(&r->narrow[i]);
	for (i = 0; i < r->nbad; i++)
		au_cell_free(&r->bad[i]);
	free(r->narrow);
	free(r->bad);
	memset(r, 0, sizeof(*r));
}

int
audit_verdict(const struct audit_result *r, struct err *e)
{
	char buf[512];
	size_t i, n = 0, len = 0;

	if (r->pinned == 0 && r->determined == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < r->nbad && n < 3; i++) {
		const struct audit_cell *c = &r->bad[i];

		if (c->kind != AUDIT_PINNED && c->kind != AUDIT_DETERMINED)
			continue;
		len += (size_t)snprintf(buf + len,
		    len < sizeof(buf) ? sizeof(buf) - len : 0,
		    "%s%s, %u, %s%s%s", n ? "; " : "", c->row, c->year,
		    c->question, c->category ? " = " : "",
		    c->category ? c->category : "");
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		n++;
	}
	return err_setc(e, ERR_DATA,
	    _("the disclosure audit found hidden "
	      "figures that the published tables pin (%zu) and groups whose "
	      "sensitive answer they give away (%zu) (%s%s): nothing is shown; "
	      "run avslut-hr audit and report this as a bug in the publish "
	      "gate"),
	    r->pinned, r->determined, buf,
	    r->pinned + r->determined > n ? "; ..." : "");
}

int
audit_check_tables(const struct gate_table *const *t, size_t n,
    struct audit_result *r, struct err *e)
{
	struct audit_params ap = { .no_list = 1 };
	struct audit *au = audit_new(&ap);
	struct audit_result mine;
	char label[16];
	size_t i;
	int rc = 0;

	if (r == NULL)
		r = &mine;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(label, sizeof(label), "%u", t[i]->year);
		rc = audit_add(au, t[i], label, NULL, e);
	}
	if (rc == 0)
		rc = audit_run(au, r, e);
	if (rc == 0)
		rc = audit_verdict(r, e);
	audit_free(au);
	if (r == &mine)
		audit_result_free(&mine);
	return rc;
}
