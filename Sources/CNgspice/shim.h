#ifndef SIZER_CNGSPICE_SHIM_H
#define SIZER_CNGSPICE_SHIM_H
// sharedspice.h uses `bool` without including stdbool.h.
#include <stdbool.h>
#include <ngspice/sharedspice.h>
#endif
