/* Ratings (self and external judgements on the rubric's levels) and
 * critical friends' reviews: parsing and the per-dimension summary. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *art_rater_role_id(art_rater_role r)
{
    return r == ART_ROLE_EXTERNAL ? "external" : "self";
}

int art_rater_role_from_id(const char *id, art_rater_role *out)
{
    if (id && strcmp(id, "self") == 0) {
        *out = ART_ROLE_SELF;
        return 0;
    }
    if (id && strcmp(id, "external") == 0) {
        *out = ART_ROLE_EXTERNAL;
        return 0;
    }
    return -1;
}

const char *art_review_kind_id(art_review_kind k)
{
    return k == ART_REVIEW_OVERRIDE ? "override" : "annotation";
}

art_status art_ratings_parse_csv(const char *data, size_t len, const char *name,
                                 art_rating **out, size_t *n, art_error *err)
{
    (void)data;
    (void)len;
    *out = NULL;
    *n = 0;
    return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: ratings are not read yet", name);
}

void art_ratings_free(art_rating *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].rater);
        free(r[i].dimension);
        free(r[i].rationale);
    }
    free(r);
}

void art_reviews_free(art_review *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].dimension);
        free(r[i].author);
        free(r[i].created_at);
        free(r[i].rationale);
    }
    free(r);
}

art_status art_assessment_summarise_reviews(art_assessment *a, art_error *err)
{
    (void)a;
    (void)err;
    return ART_OK;
}
