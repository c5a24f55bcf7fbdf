#ifndef POLICYC_CMIMALLOC_SHIM_H
#define POLICYC_CMIMALLOC_SHIM_H
#include <mimalloc.h>
#endif
