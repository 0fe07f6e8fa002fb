#!/usr/bin/env python3
"""Generate the DOCX and ODT fixtures for tests/test_office.c.

The XML is written by hand, so each fixture holds exactly the constructs a
test asserts on.  Deterministic (fixed timestamps); the generated files are
committed and the tests never need Python."""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2024, 1, 2, 3, 4, 6)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
CORE_NS = ('xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"')
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')


def write_zip(fname, parts):
    with zipfile.ZipFile(os.path.join(HERE, fname), "w") as z:
        for name, text in parts:
            zi = zipfile.ZipInfo(name, date_time=STAMP)
            zi.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zi, text.encode("utf-8") if isinstance(text, str) else text)


def docx(fname, body, title=None, prolog="", styles=None):
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog +
           f'<w:document {W} {MC}><w:body>{body}<w:sectPr/></w:body></w:document>')
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", doc)]
    if title is not None:
        parts.append(("docProps/core.xml",
                      f'<?xml version="1.0" encoding="UTF-8"?>\n<cp:coreProperties {CORE_NS}>'
                      f'<dc:title>{title}</dc:title><dc:creator>Someone</dc:creator>'
                      '</cp:coreProperties>'))
    if styles is not None:
        parts.append(("word/styles.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n'
                      f'<w:styles {W}>{styles}</w:styles>'))
    write_zip(fname, parts)


def p(text, style=None, num=False):
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num:
            ppr += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        ppr += "</w:pPr>"
    return f"<w:p>{ppr}{text}</w:p>"


def r(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def tc(*paras):
    return "<w:tc><w:tcPr/>" + "".join(paras) + "</w:tc>"


SAMPLE_BODY = "".join([
    p(r("Culture Review"), "Title"),
    p(r("Introduction"), "Heading1"),
    # one sentence split across three runs, with an empty run between
    p(r("Trust is ") + "<w:r><w:rPr><w:b/></w:rPr><w:t>built</w:t></w:r>" +
      "<w:r><w:t></w:t></w:r>" + r(" locally.")),
    # non-ASCII; tab, break, no-break hyphen, ignored symbol
    p(r("Caf\u00e9 staff\u2019s view \u2014 positive.") + "<w:r><w:tab/><w:t>Co</w:t>"
      "<w:noBreakHyphen/><w:t>production</w:t><w:br/><w:t>works.</w:t>"
      '<w:sym w:font="Wingdings" w:char="F04A"/></w:r>'),
    p(r("Heading two text"), "heading 2"),
    p(r("First item"), num=True),
    p(r("Second item"), "ListBullet"),
    "<w:tbl><w:tblPr/><w:tblGrid/>"
    "<w:tr>" + tc(p(r("Cell one"))) + tc(p(r("Cell two a")), p(r("Cell two b"))) + "</w:tr>"
    "<w:tr>" + tc(p("")) + tc(p(r("Cell four"))) + "</w:tr></w:tbl>",
    # tracked changes: insertion kept, deletion and move-from dropped
    p(r("We ") + '<w:ins w:id="1" w:author="A"><w:r><w:t>really </w:t></w:r></w:ins>' +
      '<w:del w:id="2" w:author="A"><w:r><w:delText>SECRETDELETED </w:delText></w:r></w:del>' +
      r("listen.")),
    '<w:moveFrom w:id="3" w:author="A">' + p(r("MOVEDAWAY text.")) + "</w:moveFrom>",
    p('<w:moveTo w:id="4" w:author="A">' + r("Moved here.") + "</w:moveTo>"),
    # field: the instruction is not text, the result is
    p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE FIELDCODE </w:instrText>'
      '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("Page 1") +
      '<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
    # a text box (skipped) in both AlternateContent forms
    p(r("Before box.") + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
      '<w:txbxContent>' + p(r("BOXTEXT choice")) + '</w:txbxContent></w:drawing></mc:Choice>'
      '<mc:Fallback><w:pict><w:txbxContent>' + p(r("BOXTEXT fallback")) +
      '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>'),
    '<w:sdt><w:sdtPr/><w:sdtContent>' + p(r("In a content control.")) + '</w:sdtContent></w:sdt>',
])


def docx_fixtures():
    docx("sample.docx", SAMPLE_BODY, title="Site review \u2014 Wigan")
    docx("notitle.docx", p(r("Plain opening.")) + p(r("Local Heading"), "Heading1") +
         p(r("Text."), "Berschrift2"),
         styles='<w:style w:type="paragraph" w:styleId="Berschrift2">'
                '<w:name w:val="heading 2"/></w:style>')
    docx("empty.docx", p("") + p(r("   ")))
    write_zip("nodoc.docx", [("[Content_Types].xml", CONTENT_TYPES),
                             ("word/other.xml", "<x/>")])
    docx("entity.docx", p(r("&boom;")),
         prolog='<!DOCTYPE w:document [<!ENTITY boom "expanded">]>\n')
    docx("doctype.docx", p(r("Doctype without entities.")), prolog="<!DOCTYPE w:document>\n")
    docx("malformed.docx", p(r("unclosed")) + "<w:p>")


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')
ODT_MIME = "application/vnd.oasis.opendocument.text"


def odt(fname, body, title=None, mimetype=ODT_MIME, office_elem="office:text"):
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<office:document-content {ODF_NS} office:version="1.3"><office:body>'
               f'<{office_elem}>{body}</{office_elem}></office:body></office:document-content>')
    parts = []
    if mimetype is not None:
        parts.append(("mimetype", mimetype))
    parts.append(("content.xml", content))
    if title is not None:
        parts.append(("meta.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                      f'<office:document-meta {ODF_NS}><office:meta><dc:title>{title}</dc:title>'
                      '</office:meta></office:document-meta>'))
    write_zip(fname, parts)


ODT_BODY = "".join([
    '<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>',
    '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
    '<office:change-info><dc:creator>A</dc:creator></office:change-info>'
    '<text:p>SECRETDELETED words.</text:p></text:deletion></text:changed-region>'
    '<text:changed-region text:id="ct2"><text:insertion><office:change-info>'
    '<dc:creator>A</dc:creator></office:change-info></text:insertion></text:changed-region>'
    '</text:tracked-changes>',
    '<text:h text:outline-level="1">Introduction</text:h>',
    '<text:p>Trust <text:span>is built</text:span> locally.<text:change text:change-id="ct1"/>'
    ' We <text:change-start text:change-id="ct2"/>really<text:change-end text:change-id="ct2"/>'
    ' listen.</text:p>',
    '<text:p>Caf\u00e9 staff\u2019s view \u2014 positive.<text:tab/>Two<text:s text:c="3"/>'
    'spaces<text:line-break/>next.<text:note text:note-class="footnote"><text:note-citation>1'
    '</text:note-citation><text:note-body><text:p>FOOTNOTETEXT</text:p></text:note-body>'
    '</text:note><office:annotation><dc:creator>A</dc:creator><text:p>COMMENTTEXT</text:p>'
    '</office:annotation></text:p>',
    '<text:list><text:list-item><text:p>First item</text:p></text:list-item>'
    '<text:list-item><text:p>Second item</text:p><text:list><text:list-item>'
    '<text:p>Nested item</text:p></text:list-item></text:list></text:list-item></text:list>',
    '<table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>'
    '<table:table-row><table:table-cell><text:p>Cell one</text:p></table:table-cell>'
    '<table:table-cell><text:p>Cell two a</text:p><text:p>Cell two b</text:p></table:table-cell>'
    '</table:table-row><table:table-row><table:table-cell/><table:table-cell>'
    '<text:p>Cell four</text:p></table:table-cell></table:table-row></table:table>',
    '<text:section text:name="S"><text:h text:outline-level="2">In a section</text:h>'
    '<text:p>Before frame.<draw:frame><draw:text-box><text:p>BOXTEXT</text:p></draw:text-box>'
    '</draw:frame></text:p></text:section>',
])


def odt_fixtures():
    odt("sample.odt", ODT_BODY, title="Site review \u2014 Wigan")
    odt("notitle.odt", "<text:p>Opening.</text:p><text:h>Local Heading</text:h>", mimetype=None)
    odt("empty.odt", "<text:p/><text:p>  </text:p>", title="Only a title")
    odt("wrong-mimetype.odt", "<text:p>Text.</text:p>",
        mimetype="application/vnd.oasis.opendocument.spreadsheet")
    odt("spreadsheet.odt", "<table:table/>", office_elem="office:spreadsheet")
    write_zip("nocontent.odt", [("mimetype", ODT_MIME), ("meta.xml", "<x/>")])


if __name__ == "__main__":
    docx_fixtures()
    odt_fixtures()
    with open(os.path.join(HERE, "not-a-zip.docx"), "w") as f:
        f.write("This is not a zip file.\n")
    for f in sorted(os.listdir(HERE)):
        if f.endswith((".docx", ".odt")):
            print(f"{os.path.getsize(os.path.join(HERE, f)):>7}  {f}")
