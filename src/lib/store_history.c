/* Rounds of a site over time: the trend of every dimension, and how each
 * moved since an earlier round. */
#include "store_internal.h"

art_status art_store_load_history(art_store *s, art_assessment *a, art_error *err)
{
    (void)s; (void)a; (void)err;
    return ART_OK;
}

art_status art_store_load_movement(art_store *s, art_assessment *a, const char *since,
                                   art_error *err)
{
    (void)s; (void)a;
    return art_error_set(err, ART_ERR_UNSUPPORTED, "--since %s: not available yet", since);
}
