#!/bin/sh
# The network benchmark behind `make bench` (see docs/performance.md).
#
#   bench/run.sh SRCDIR BUILDDIR
#
# Environment:
#   BENCH_SCALE=F     site size (documents and segments per site), default 1
#                     (30 sites x ~200 documents, ~300 MB, ~100,000 segments)
#   BENCH_SITES=N     number of sites, default 30
#   BENCH_SEED=N      generator seed, default 1
#   BENCH_SCALING=0   skip the 1x/2x/4x runs on one site
#   BENCH_WORK=DIR    where corpora and stores go, default BUILDDIR/bench/work
#
# A corpus is generated once per (seed, scale, sites) and reused.  Every
# timing is wall-clock seconds from /usr/bin/time, which also gives the
# peak resident set size of each process; the CPU seconds (user+sys) are
# printed too, because wall time is noisy on a shared machine.
set -eu

src=$1
build=$2
scale=${BENCH_SCALE:-1}
sites=${BENCH_SITES:-30}
seed=${BENCH_SEED:-1}
work=${BENCH_WORK:-$build/bench/work}
art=$build/src/cli/artefact
timer=/usr/bin/time
round=2026-q1

[ -x "$art" ] || { echo "bench: $art not built" >&2; exit 1; }
[ -x "$timer" ] || { echo "bench: GNU time missing (scripts/bootstrap.sh --bench)" >&2; exit 1; }
mkdir -p "$work"

# gen DIR SCALE SITES: generate a network unless it is already complete.
gen() {
    if [ ! -f "$1/manifest.txt" ]; then
        echo "bench: generating $1 (scale $2, $3 sites)" >&2
        rm -rf "$1"
        /usr/bin/python3 "$src/bench/gen_network.py" --rubric "$src/rubrics/cls-culture.xml" \
            --out "$1" --seed "$seed" --scale "$2" --sites "$3"
    fi
}

# timed LOG CMD...: run CMD under GNU time, append "wall cpu maxrss_kb" to LOG.
timed() {
    log=$1
    shift
    "$timer" -o "$work/.t" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/.err" || {
        echo "bench: failed: $*" >&2
        cat "$work/.err" >&2
        exit 1
    }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/.t" >>"$log"
}

# sum LOG: "wall cpu maxrss" summed (rss: the maximum).
sum() {
    awk '{ w += $1; c += $2; if ($3 > m) m = $3 } END { printf "%.2f %.2f %d\n", w, c, m }' "$1"
}

# mb DIR: megabytes of text in DIR/plain (what artefact scores).
mb() {
    cat "$1"/plain/*.txt | wc -c | awk '{ printf "%.1f\n", $1 / 1e6 }'
}

net=$work/net-s$seed-x$scale-n$sites
gen "$net" "$scale" "$sites"
text_mb=$(mb "$net")

# 1. The whole network into one store: ingest, score, report, site by site.
db=$work/network.db
rm -f "$db" "$work"/ingest.log "$work"/score.log "$work"/report.log
for d in "$net"/site-*; do
    s=$(basename "$d")
    timed "$work/ingest.log" "$art" ingest "$d" --db "$db" --site "$s" --round $round
    timed "$work/score.log" "$art" score --db "$db" --site "$s" --round $round
    timed "$work/report.log" "$art" report --db "$db" --site "$s" --round $round \
        --format html -o "$work/report-$s.html"
done
set -- $(sum "$work/ingest.log"); ing_w=$1 ing_c=$2 ing_m=$3
set -- $(sum "$work/score.log"); sco_w=$1 sco_c=$2 sco_m=$3
set -- $(sum "$work/report.log"); rep_w=$1 rep_c=$2 rep_m=$3

# 2. An unchanged site assessed again (the first one, already in the store).
rm -f "$work/reassess.log"
timed "$work/reassess.log" "$art" assess "$net/site-01" --db "$db" --site site-01 \
    --round $round -o "$work/reassess.txt"
set -- $(sum "$work/reassess.log"); re_w=$1 re_c=$2 re_m=$3

# 2b. Lexical scoring alone: the lexical plugin (the rubric's phrases over
# every segment, as grep and scikit-learn count them) without codes.lua,
# each site scored again with only it.  After the re-assess, which must
# find the round's last run made with every plugin.
lexdir=$work/lexical-only
rm -rf "$lexdir" && mkdir -p "$lexdir" && cp "$src/plugins/lexical.lua" "$lexdir/"
rm -f "$work/lexical.log"
for d in "$net"/site-*; do
    s=$(basename "$d")
    timed "$work/lexical.log" "$art" score --db "$db" --site "$s" --round $round \
        --plugins "$lexdir" --force
done
set -- $(sum "$work/lexical.log"); lex_w=$1 lex_c=$2 lex_m=$3

# 3. The baselines on the same text and the same phrases.
rm -f "$work/grep.log" "$work/sk.log"
timed "$work/grep.log" sh -c "LC_ALL=C grep -F -i -o -f '$net/phrases.txt' '$net'/plain/*.txt | wc -l"
set -- $(sum "$work/grep.log"); grep_w=$1 grep_c=$2
sk_w=- sk_c=-
if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
    timed "$work/sk.log" /usr/bin/python3 "$src/bench/sk_count.py" "$net/phrases.txt" "$net"/plain/*.txt
    set -- $(sum "$work/sk.log"); sk_w=$1 sk_c=$2
else
    echo "bench: scikit-learn missing (scripts/bootstrap.sh --bench): no Python baseline" >&2
fi

# 4. Scaling: one site at 1x, 2x and 4x its size, in a fresh store each.
scaling=""
if [ "${BENCH_SCALING:-1}" != 0 ]; then
    for k in 1 2 4; do
        one=$work/one-s$seed-x$(awk "BEGIN { print $scale * $k }")
        gen "$one" "$(awk "BEGIN { print $scale * $k }")" 1
        rm -f "$work/one.db" "$work/one.log"
        timed "$work/one.log" "$art" assess "$one/site-01" --db "$work/one.db" --site site-01 \
            --round $round -o "$work/one.txt"
        set -- $(sum "$work/one.log")
        scaling="$scaling$k $(mb "$one") $1 $2 $3
"
    done
fi

# The summary table.
awk -v mb="$text_mb" -v sites="$sites" -v scale="$scale" \
    -v iw="$ing_w" -v ic="$ing_c" -v im="$ing_m" -v sw="$sco_w" -v sc="$sco_c" -v sm="$sco_m" \
    -v rw="$rep_w" -v rc="$rep_c" -v rm="$rep_m" -v ew="$re_w" -v ec="$re_c" -v em="$re_m" \
    -v gw="$grep_w" -v gc="$grep_c" -v kw="$sk_w" -v kc="$sk_c" -v scaling="$scaling" \
    -v lw="$lex_w" -v lc="$lex_c" -v lm="$lex_m" -v cpus="$(nproc)" \
    -v cpu="$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)" '
function rate(t) { return t > 0 ? mb / t : 0 }
BEGIN {
    e2e = iw + sw + rw; e2ec = ic + sc + rc
    peak = im; if (sm > peak) peak = sm; if (rm > peak) peak = rm; if (em > peak) peak = em
    if (lm > peak) peak = lm
    printf "\nartefact benchmark: %d sites, scale %s, %.1f MB of text\n", sites, scale, mb
    printf "machine: %s, %d cores\n", cpu, cpus
    printf "%-34s %10s %10s %12s\n", "measure", "wall s", "cpu s", "MB/s (wall)"
    printf "%-34s %10.2f %10.2f %12.1f\n", "ingest (all sites)", iw, ic, rate(iw)
    printf "%-34s %10.2f %10.2f %12.1f\n", "scoring (all sites)", sw, sc, rate(sw)
    printf "%-34s %10.2f %10.2f %12.1f\n", "lexical scoring alone (all sites)", lw, lc, rate(lw)
    printf "%-34s %10.2f %10.2f %12.1f\n", "reports (all sites)", rw, rc, rate(rw)
    printf "%-34s %10.2f %10.2f %12.1f\n", "end to end (network)", e2e, e2ec, rate(e2e)
    printf "%-34s %10.2f %10.2f %12s\n", "re-assess unchanged site-01", ew, ec, "-"
    printf "%-34s %10.2f %10.2f %12.1f\n", "grep -F -i -o -f (ceiling)", gw, gc, rate(gw)
    if (kw != "-")
        printf "%-34s %10.2f %10.2f %12.1f\n", "scikit-learn CountVectorizer", kw, kc, rate(kw)
    printf "peak resident memory: %.1f MB (target < 256)\n", peak / 1024
    printf "lexical scoring / grep throughput: %.2f (wall), %.2f (cpu)   (target >= 0.50)\n", \
        gw / lw, gc / lc
    printf "all scoring (both plugins, ladder) / grep throughput: %.2f (wall), %.2f (cpu)\n", \
        gw / sw, gc / sc
    if (kw != "-")
        printf "end to end speed-up over Python: %.1fx (wall), %.1fx (cpu)   (target >= 20)\n", \
            kw / e2e, kc / e2ec
    printf "re-assess unchanged site: %.2f s (target < 1)\n", ew
    if (scaling != "") {
        printf "scaling, one site assessed (ingest+score+report) in a fresh store:\n"
        printf "  %-6s %10s %10s %10s %12s %10s\n", "size", "text MB", "wall s", "cpu s", "cpu s/MB", "peak MB"
        n = split(scaling, row, "\n")
        for (i = 1; i <= n; i++) {
            if (split(row[i], f, " ") < 5) continue
            printf "  %-6s %10.1f %10.2f %10.2f %12.3f %10.1f\n", f[1] "x", f[2], f[3], f[4], \
                f[4] / f[2], f[5] / 1024
        }
    }
}'
