#ifndef POLICYC_CPOSTGRES_SHIM_H
#define POLICYC_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
