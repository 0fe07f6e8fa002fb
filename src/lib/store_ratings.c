/* Ratings and reviews in the store. */
#include "store_internal.h"

art_status art_store_import_ratings(art_store *s, const char *site, const char *round,
                                    const art_rubric *rb, const art_rating *r, size_t n,
                                    art_error *err)
{
    (void)s; (void)site; (void)round; (void)rb; (void)r; (void)n;
    return art_error_set(err, ART_ERR_UNSUPPORTED, "ratings are not stored yet");
}

art_status art_store_add_review(art_store *s, const char *site, const char *round,
                                const art_review *rv, art_error *err)
{
    (void)s; (void)site; (void)round; (void)rv;
    return art_error_set(err, ART_ERR_UNSUPPORTED, "reviews are not stored yet");
}

art_status art_store_load_reviews(art_store *s, art_assessment *a, art_error *err)
{
    (void)s; (void)a; (void)err;
    return ART_OK;
}
