/* gate_int: what the rules (gate.c) and the tables as published
 * (gate_table.c) share; not for other modules. */
#ifndef AVSLUT_GATE_INT_H
#define AVSLUT_GATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "report/gate.h"

/* More interviews than the imported leavers of the unit-year: someone
 * may have padded it to isolate a real leaver; publish none of it. */
int gate_implausible(const struct gate_params *p, const char *unit,
    unsigned year, uint32_t interviews);
/* Row's HME from its shown statement figures only, with the reason for
 * each part not shown. */
void gate_hme_row(struct gate_table *t, size_t row);

#endif
