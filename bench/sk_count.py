#!/usr/bin/python3
"""The dictionary count an analyst would otherwise write (the baseline of
`make bench`): scikit-learn's CountVectorizer with the rubric's phrases as a
fixed vocabulary of word n-grams, over text files, one document a line.

    bench/sk_count.py PHRASES.txt FILE...   prints: lines matches"""
import re
import sys

from sklearn.feature_extraction.text import CountVectorizer

TOKEN = r"(?u)\b\w+(?:['\u2019]\w+)*\b"


def main():
    tok = re.compile(TOKEN)
    with open(sys.argv[1], encoding="utf-8") as f:
        vocab = sorted({" ".join(tok.findall(line.lower())) for line in f if line.strip()})
    vocab = [v for v in vocab if v]
    longest = max(len(v.split()) for v in vocab)
    cv = CountVectorizer(vocabulary=vocab, ngram_range=(1, longest), lowercase=True,
                         token_pattern=TOKEN)
    lines = matches = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            batch = []
            for line in f:
                batch.append(line)
                if len(batch) == 20000:
                    matches += int(cv.transform(batch).sum())
                    lines += len(batch)
                    batch = []
            if batch:
                matches += int(cv.transform(batch).sum())
                lines += len(batch)
    print(lines, matches)


if __name__ == "__main__":
    main()
