/* STUB: HTML report (owned by the report helper). */
#include "internal.h"
