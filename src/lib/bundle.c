/* bundle: see its section in artefact.h. */
#include "internal.h"
