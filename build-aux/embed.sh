#!/bin/sh
# embed.sh NAME FILE: print a C file defining NAME[] (bytes of FILE plus a NUL)
# and NAME_len (without the NUL).  Used to compile the rubric schema into
# the library so validation never depends on where data files are installed.
set -e
name=$1; file=$2
printf '/* generated from %s by build-aux/embed.sh: do not edit */\n#include <stddef.h>\n' "$(basename "$file")"
printf 'const unsigned char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/ /'
printf ' 0x00\n};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$name" "$name"
