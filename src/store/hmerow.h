/* hmerow: one unit-year of the staff survey's HME (each 0..100), as
 * `avslut-hr hme import` reads it (report/csvin), central.db keeps it
 * (store/central) and the reports set it beside the leavers' HME
 * (report/agg): one struct for all three, never copied field by field. */
#ifndef AVSLUT_HMEROW_H
#define AVSLUT_HMEROW_H

struct hme_row {
	char *unit;
	unsigned year;
	double hme, motivation, ledarskap, styrning;
};

#endif
