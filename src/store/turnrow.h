/* turnrow: one unit-year of turnover, as `avslut-hr turnover import`
 * reads it (report/csvin), central.db keeps it (store/central) and the
 * demo makes it (report/sample): one struct for all, never copied field
 * by field. */
#ifndef AVSLUT_TURNROW_H
#define AVSLUT_TURNROW_H

/* retirements and internal (moves to another unit of the region) are
 * counted among the leavers; -1 where they are not given (NULL in the
 * store). */
struct turnover_row {
	char *unit;
	unsigned year;
	double headcount;   /* average headcount, > 0 */
	double leavers;	    /* everyone who left the unit, >= 0 */
	double retirements; /* of the leavers, or -1 */
	double internal;    /* of the leavers, or -1 */
};

#endif
