#!/usr/bin/python3
"""Generate a reference network of CLS sites for `make bench` (deterministic).

    bench/gen_network.py --rubric RUBRIC.xml --out DIR [--seed N] [--scale F]
                         [--sites N]

At --scale 1: 30 sites, each with about 200 documents (.txt .md .html .docx
.odt in turn) and three interview projects (an artefact CSV, a QualCoder CSV
and a REFI-QDA .qdpx), about 300 MB of text and 100,000 coded segments in all.
--scale multiplies each site's documents and coded segments (0.25 for a quick
run; 2 and 4 for the scaling runs).  The same seed and scale always give the
same bytes (fixed zip timestamps, one seeded random generator per site).

Sentences are built from social-care vocabulary around the rubric's own
indicator phrases (about one sentence in five carries one, some negated or
hedged), with realistic lengths (8 to 30 words).  Codes come from the
rubric's <code> patterns, so codes.lua scores them.

Besides the site folders DIR holds:
  phrases.txt    the rubric's phrases that have no wildcard, one a line,
                 lower case (the dictionary grep and scikit-learn count)
  plain/SITE.txt every site's text, one paragraph or segment a line (the
                 same text artefact scores, for grep and scikit-learn)
  manifest.txt   seed, scale and sizes; its presence means "complete"

Only the Python standard library is used.  The rubric is our own trusted
file, so xml.etree is fine here (artefact itself parses untrusted XML with
its hardened helpers)."""
import argparse
import os
import random
import sys
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

STAMP = (2026, 1, 1, 0, 0, 0)
SITES = 30
DOCS_PER_SITE = 200
SEGS_PER_SITE = 3334          # ~100,000 coded segments over 30 sites
DOC_BYTES = 48000             # mean plain-text size of one document

SUBJECTS = ["the team", "our practitioners", "the manager", "the hub", "people who draw on care",
            "the panel", "social workers", "the commissioner", "the council", "each worker",
            "the community connector", "families", "the occupational therapist", "carers",
            "the locality lead", "health colleagues", "the voluntary sector partner",
            "the duty desk", "the neighbourhood team", "the assessment service", "we", "they",
            "the director", "the senior leadership team", "the front door", "the resident"]
VERBS = ["talked about", "reviewed", "agreed", "recorded", "described", "explained",
         "looked at", "discussed", "arranged", "followed up", "changed", "supported",
         "worked through", "met to discuss", "wrote down", "asked about", "planned",
         "checked", "shared", "explored", "tested", "listened to", "brought together"]
OBJECTS = ["the care plan", "a referral", "the waiting list", "a conversation record",
           "the hub session", "the weekly huddle", "a direct payment", "the budget",
           "a safeguarding concern", "the support plan", "the carers assessment",
           "the outcome", "a piece of equipment", "the handover", "the community offer",
           "the local library session", "the reablement package", "a home visit",
           "the transport arrangement", "a short break", "the day opportunity",
           "the housing application", "the pilot", "the training session", "the feedback"]
TAILS = ["last week", "on Tuesday", "at the community hub", "with the family",
         "before the review", "over the phone", "in the morning meeting", "after the visit",
         "in the library", "during the pilot", "this quarter", "with the GP surgery",
         "for the first time", "as agreed", "within two days", "in plain English",
         "without a form", "at the cafe", "in the team meeting", "since the spring"]
LINKS = ["because", "so that", "although", "and then", "while", "after", "when"]
NEGATE = ["we do not", "there is no", "staff never", "it is not"]
HEDGE = ["we aim to", "in theory", "sometimes", "we hope to"]
FIRST = ["Sam", "Alex", "Priya", "Jordan", "Chris", "Fatima", "Tom", "Ana", "Ben", "Grace",
         "Mohammed", "Ellen", "Oliver", "Aisha", "Rory", "Megan", "Yusuf", "Hannah"]
LAST = ["Taylor", "Khan", "Jones", "Smith", "Patel", "Williams", "Brown", "Evans", "Hughes",
        "Ahmed", "Walker", "Wright", "Roberts", "Green"]
ROLES = [("Social worker", "Local authority"), ("Team manager", "Local authority"),
         ("Community nurse", "Health"), ("Hub volunteer", "Voluntary sector"),
         ("Carer", "Lived experience"), ("Occupational therapist", "Health")]


def rubric_words(path):
    """(phrases, code paths): every phrase with its wildcards filled, and one
    concrete code path per <code> pattern."""
    root = ET.parse(path).getroot()
    phrases, codes = [], []
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in ("indicator", "phrase") and el.text and el.text.strip():
            phrases.append(" ".join(el.text.split()))
        elif tag == "code" and el.get("pattern"):
            parts = [p.strip("*").strip() for p in el.get("pattern").split("/")]
            parts = [p[:1].upper() + p[1:] if p else "Example" for p in parts]
            codes.append("/".join(parts))
    return phrases, codes


def fill(phrase, rnd):
    """A phrase as it would be written: `*` becomes a word or an ending."""
    out = []
    for w in phrase.split(" "):
        if w == "*":
            out.append(rnd.choice(["their", "our", "good", "real"]))
        elif w.endswith("*"):
            out.append(w[:-1] + rnd.choice(["", "s", "ing"]))
        else:
            out.append(w.replace("*", ""))
    return " ".join(out)


class Writer:
    """Sentences for one site (its own seeded generator)."""

    def __init__(self, rnd, phrases):
        self.rnd, self.phrases = rnd, phrases

    def clause(self):
        r = self.rnd
        s = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)}"
        if r.random() < 0.6:
            s += " " + r.choice(TAILS)
        return s

    def sentence(self):
        r = self.rnd
        s = self.clause()
        if r.random() < 0.5:
            s += f" {r.choice(LINKS)} {self.clause()}"
        if r.random() < 0.2:            # an indicator phrase, sometimes negated or hedged
            ph = fill(r.choice(self.phrases), r)
            x = r.random()
            lead = r.choice(NEGATE) if x < 0.1 else r.choice(HEDGE) if x < 0.2 else "we said"
            s += f", and {lead} {ph}" if r.random() < 0.5 else f"; {ph} matters here"
        return s[0].upper() + s[1:] + "."

    def paragraph(self, n=None):
        return " ".join(self.sentence() for _ in range(n or self.rnd.randint(2, 7)))

    def name(self):
        return f"{self.rnd.choice(FIRST)} {self.rnd.choice(LAST)}"


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts:
            zi = zipfile.ZipInfo(name, date_time=STAMP)
            zi.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zi, text.encode("utf-8"))


def docx(path, title, blocks):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = []
    for kind, text in blocks:
        style = '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' if kind == "h" else ""
        body.append(f'<w:p>{style}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:document {w}><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>')
    core = ('<?xml version="1.0" encoding="UTF-8"?>\n<cp:coreProperties xmlns:cp="http://schemas'
            '.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/'
            f'dc/elements/1.1/"><dc:title>{escape(title)}</dc:title></cp:coreProperties>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas'
             '.openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
             'ContentType="application/xml"/></Types>')
    write_zip(path, [("[Content_Types].xml", types), ("word/document.xml", doc),
                     ("docProps/core.xml", core)])


def odt(path, title, blocks):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')
    body = "".join(f'<text:h text:outline-level="1">{escape(t)}</text:h>' if k == "h"
                   else f"<text:p>{escape(t)}</text:p>" for k, t in blocks)
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<office:document-content {ns} office:version="1.3"><office:body><office:text>'
               f'{body}</office:text></office:body></office:document-content>')
    meta = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ns}><office:meta>'
            f'<dc:title>{escape(title)}</dc:title></office:meta></office:document-meta>')
    write_zip(path, [("mimetype", "application/vnd.oasis.opendocument.text"),
                     ("content.xml", content), ("meta.xml", meta)])


def document(w, path, fmt, target, plain):
    """One policy document of about `target` bytes of text, in format fmt."""
    title = f"{w.rnd.choice(OBJECTS).capitalize()} {w.rnd.choice(['procedure', 'strategy', 'minutes', 'guidance', 'review'])}"
    blocks, size = [("h", title)], 0
    while size < target:
        if w.rnd.random() < 0.12:
            blocks.append(("h", w.clause().capitalize()))
        p = w.paragraph()
        blocks.append(("p", p))
        size += len(p) + 2
    plain.extend(t for k, t in blocks if k == "p")
    if fmt == "txt":
        text = "\n\n".join(t for _, t in blocks) + "\n"
    elif fmt == "md":
        text = "\n\n".join(("# " + t) if k == "h" else t for k, t in blocks) + "\n"
    elif fmt == "html":
        text = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) +
                "</title></head><body>\n" +
                "\n".join(f"<h2>{escape(t)}</h2>" if k == "h" else f"<p>{escape(t)}</p>"
                          for k, t in blocks) + "\n</body></html>\n")
    elif fmt == "docx":
        return docx(path, title, blocks)
    else:
        return odt(path, title, blocks)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def csv_field(s):
    return '"' + s.replace('"', '""') + '"'


def interview_csv(w, path, nsegs, codes, plain, qualcoder):
    people = [(w.name(),) + w.rnd.choice(ROLES) for _ in range(8)]
    rows = []
    if qualcoder:
        rows.append('"Case","Filename","Coder","Coded","Id","Codename","Category","CaseVar_role","CaseVar_sector"')
    else:
        rows.append("source,participant,role,sector,coder,code,text")
    for i in range(nsegs):
        name, role, sector = people[i % len(people)]
        text = w.paragraph(w.rnd.randint(1, 3))
        # a participant's name in their own words: pseudonymisation has work to do
        if w.rnd.random() < 0.05:
            text = f"As {name} I think " + text[0].lower() + text[1:]
        plain.append(text)
        code = w.rnd.choice(codes)
        if qualcoder:
            parts = code.split("/")
            rows.append(",".join(csv_field(x) for x in [
                name, f"interview-{name.split()[0].lower()}.txt", "RB", text, f"ctid:{i + 1}",
                parts[-1], "/".join(parts[:-1]) or "Culture", role, sector]))
        else:
            rows.append(",".join(csv_field(x) for x in [
                f"Interview {name}", name, role, sector, "RB", code, text]))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(rows) + "\r\n")


def qdpx(w, path, nsegs, codes, plain):
    """A REFI-QDA project: a few interview transcripts, every sentence group
    a coded PlainTextSelection (positions in code points)."""
    g = lambda kind, n: f"{kind:08x}-0000-4000-8000-{n:012x}"
    codebook = "".join(f'<Code guid="{g(1, i)}" name="{escape(c)}" isCodable="true"/>'
                       for i, c in enumerate(codes))
    users = f'<Users><User guid="{g(2, 0)}" name="RB"/></Users>'
    ntexts = 4
    sources, files, cases = [], [], []
    sel = 0
    for t in range(ntexts):
        name = w.name()
        chunks, pos, sels = [], 0, []
        for _ in range(nsegs // ntexts + (1 if t < nsegs % ntexts else 0)):
            s = w.paragraph(w.rnd.randint(1, 3))
            plain.append(s)
            code = w.rnd.randrange(len(codes))
            sels.append(f'<PlainTextSelection guid="{g(3, sel)}" name="s{sel}" '
                        f'startPosition="{pos}" endPosition="{pos + len(s)}" creatingUser="{g(2, 0)}">'
                        f'<Coding guid="{g(4, sel)}" creatingUser="{g(2, 0)}"><CodeRef targetGUID="{g(1, code)}"/>'
                        "</Coding></PlainTextSelection>")
            sel += 1
            chunks.append(s)
            pos += len(s) + 2
        text = "\n\n".join(chunks) + "\n"
        files.append((f"Sources/{g(5, t)}.txt", text))
        sources.append(f'<TextSource guid="{g(5, t)}" name="Interview {t + 1}" '
                       f'plainTextPath="internal://{g(5, t)}.txt" creatingUser="{g(2, 0)}">'
                       + "".join(sels) + "</TextSource>")
        cases.append(f'<Case guid="{g(6, t)}" name="{escape(name)}"><SourceRef targetGUID="{g(5, t)}"/></Case>')
    project = ('<?xml version="1.0" encoding="utf-8"?>\n'
               '<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="artefact bench">'
               f'{users}<CodeBook><Codes>{codebook}</Codes></CodeBook>'
               f'<Cases>{"".join(cases)}</Cases><Sources>{"".join(sources)}</Sources></Project>\n')
    write_zip(path, [("project.qde", project)] + files)


def site(args, idx, phrases, codes, plain_dir):
    name = f"site-{idx + 1:02d}"
    d = os.path.join(args.out, name)
    os.makedirs(d, exist_ok=True)
    w = Writer(random.Random(f"{args.seed}/{idx}"), phrases)
    plain = []
    ndocs = max(5, round(DOCS_PER_SITE * args.scale))
    fmts = ["txt", "md", "html", "docx", "odt"]
    for i in range(ndocs):
        fmt = fmts[i % len(fmts)]
        target = int(DOC_BYTES * w.rnd.uniform(0.3, 1.7))
        document(w, os.path.join(d, f"doc-{i + 1:04d}.{fmt}"), fmt, target, plain)
    nsegs = max(6, round(SEGS_PER_SITE * args.scale))
    third = nsegs // 3
    interview_csv(w, os.path.join(d, "interviews-a.csv"), third, codes, plain, False)
    interview_csv(w, os.path.join(d, "interviews-qualcoder.csv"), third, codes, plain, True)
    qdpx(w, os.path.join(d, "interviews.qdpx"), nsegs - 2 * third, codes, plain)
    with open(os.path.join(plain_dir, name + ".txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(plain) + "\n")
    return ndocs, nsegs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rubric", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--sites", type=int, default=SITES)
    args = ap.parse_args()
    phrases, codes = rubric_words(args.rubric)
    if not phrases or not codes:
        sys.exit(f"{args.rubric}: no phrases or codes found")
    os.makedirs(args.out, exist_ok=True)
    manifest = os.path.join(args.out, "manifest.txt")
    if os.path.exists(manifest):
        os.remove(manifest)
    plain_dir = os.path.join(args.out, "plain")
    os.makedirs(plain_dir, exist_ok=True)
    with open(os.path.join(args.out, "phrases.txt"), "w", encoding="utf-8") as f:
        for p in sorted({p.lower() for p in phrases if "*" not in p}):
            f.write(p + "\n")
    docs = segs = 0
    for i in range(args.sites):
        n, s = site(args, i, phrases, codes, plain_dir)
        docs, segs = docs + n, segs + s
    with open(manifest, "w") as f:
        f.write(f"seed {args.seed}\nscale {args.scale}\nsites {args.sites}\n"
                f"documents {docs}\nsegments {segs}\n")


if __name__ == "__main__":
    main()
