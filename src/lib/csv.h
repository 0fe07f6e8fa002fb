/* Internal CSV reader (RFC 4180). */
#ifndef ART_CSV_H
#define ART_CSV_H
#include "internal.h"
#endif
