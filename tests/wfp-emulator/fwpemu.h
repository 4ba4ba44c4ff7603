/* The fwpemu tool's parts shared between its files. */
#ifndef FWPEMU_H
#define FWPEMU_H

#include "emu.h"

/* A session of this process, as another product's would be. */
DWORD fwpemu_open_engine(HANDLE *engine);
/* tamper add-random N SEED (fwpemu_random.c). */
int fwpemu_add_random(unsigned long n, unsigned long seed);

#endif
