#!/usr/bin/env python3
"""Writes the small sample documents that the content-sniffer tests read.

The accepted samples are made by the real libraries that produce such files
(python-docx, openpyxl, python-pptx, odfpy, Pillow, fpdf2), so the tests see
the bytes those tools really write. The refused samples are real too: a copy of
an ELF executable, a .docx with a VBA project added, a ZIP bomb made by zipfile.

Only needed to regenerate the fixtures, not in CI:

    python3 -m pip install python-docx openpyxl python-pptx odfpy Pillow fpdf2
    python3 scripts/make-document-fixtures.py
"""

import csv
import io
import shutil
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Tests" / "HavenAPITests" / "Fixtures" / "documents"

# A fixed timestamp for the ZIP files written here, so reruns change less.
FIXED_DATE = (2024, 1, 1, 0, 0, 0)

MULTILINGUAL = (
    "Haven sample text.\n"
    "العربية: مرحبا بالعالم، هذا نص تجريبي.\n"
    "中文：你好，世界。这是一个示例文本。\n"
    "Русский: Привет, мир! Это пример текста.\n"
)


def write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


def make_pdf() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creator("Haven fixtures")
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text="Haven sample PDF")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(w=0, text="A one-page document made by fpdf2 for the content-sniffer tests.")
    write("sample.pdf", bytes(pdf.output()))


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Haven sample document", level=1)
    document.add_paragraph("A short Word document made by python-docx for the content-sniffer tests.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_docx() -> None:
    write("sample.docx", docx_bytes())


def make_xlsx() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Members"
    sheet.append(["Name", "Joined", "Posts"])
    sheet.append(["Amina", "2024-01-02", 12])
    sheet.append(["Li Wei", "2024-02-03", 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    write("sample.xlsx", buffer.getvalue())


def make_pptx() -> None:
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Haven sample presentation"
    slide.placeholders[1].text = "Made by python-pptx for the content-sniffer tests."
    buffer = io.BytesIO()
    presentation.save(buffer)
    write("sample.pptx", buffer.getvalue())


def odf_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def make_odf() -> None:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
    from odf.style import MasterPage, PageLayout
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    text = OpenDocumentText()
    text.text.addElement(P(text="A short OpenDocument text made by odfpy for the content-sniffer tests."))
    write("sample.odt", odf_bytes(text))

    spreadsheet = OpenDocumentSpreadsheet()
    table = Table(name="Members")
    for row_values in (["Name", "Posts"], ["Amina", "12"], ["Li Wei", "7"]):
        row = TableRow()
        for value in row_values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    spreadsheet.spreadsheet.addElement(table)
    write("sample.ods", odf_bytes(spreadsheet))

    presentation = OpenDocumentPresentation()
    layout = PageLayout(name="Layout")
    presentation.automaticstyles.addElement(layout)
    master = MasterPage(name="Default", pagelayoutname=layout)
    presentation.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="20cm", height="3cm", x="2cm", y="2cm")
    box = TextBox()
    box.addElement(P(text="Haven sample presentation, made by odfpy."))
    frame.addElement(box)
    page.addElement(frame)
    presentation.presentation.addElement(page)
    write("sample.odp", odf_bytes(presentation))


def make_rtf() -> None:
    # RTF is plain 7-bit text; this is the minimal form WordPad and TextEdit read.
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}}" "\n"
        r"\f0\fs24 Haven sample \b RTF\b0  document.\par" "\n"
        r"Made for the content-sniffer tests.\par" "\n"
        "}\n"
    )
    write("sample.rtf", rtf.encode("ascii"))


def make_text_and_csv() -> None:
    write("sample.txt", MULTILINGUAL.encode("utf-8"))

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["name", "city", "note"])
    writer.writerow(["Amina", "Cairo", "likes tea, and books"])
    writer.writerow(["Li Wei", "北京", 'said "hello"'])
    writer.writerow(["Olga", "Москва", "plain"])
    write("sample.csv", buffer.getvalue().encode("utf-8"))


def make_images() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (64, 48), (240, 244, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 56, 40), outline=(30, 60, 120), width=3)
    draw.line((8, 40, 56, 8), fill=(200, 40, 40), width=2)
    for name, fmt, options in (
        ("sample.png", "PNG", {"optimize": True}),
        ("sample.jpg", "JPEG", {"quality": 85}),
        ("sample.webp", "WEBP", {"quality": 80}),
    ):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        write(name, buffer.getvalue())


def make_refused() -> None:
    # A real executable under a harmless name.
    elf = Path("/bin/true").read_bytes()
    if not elf.startswith(b"\x7fELF"):
        sys.exit("/bin/true is not an ELF file on this machine")
    write("elf-renamed.pdf", elf)

    write("page.html", (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not a document</title></head>\n"
        "<body><p>An HTML page.</p><script>alert('hi')</script></body>\n</html>\n"
    ).encode("utf-8"))

    write("drawing.svg", (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\n"
        "  <circle cx=\"32\" cy=\"32\" r=\"24\" fill=\"#36c\"/>\n"
        "  <script>alert('svg')</script>\n"
        "</svg>\n"
    ).encode("utf-8"))

    make_docm()
    make_zips()


def make_docm() -> None:
    """A real .docx from python-docx, turned into a macro-enabled document the way Word stores one."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    # A compound-file (OLE2) header stands in for the VBA project; Word would refuse to run
    # it, but the part name, relationship and content type are exactly those of a .docm.
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(512 - 32)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                text = text.replace(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    "application/vnd.ms-word.document.macroEnabled.main+xml",
                )
                text = text.replace(
                    "<Default Extension=\"xml\"",
                    "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>"
                    "<Default Extension=\"xml\"",
                    1,
                )
                data = text.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                text = data.decode("utf-8")
                text = text.replace(
                    "</Relationships>",
                    "<Relationship Id=\"rIdVba1\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\""
                    " Target=\"vbaProject.bin\"/></Relationships>",
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
        entry = zipfile.ZipInfo("word/vbaProject.bin", date_time=FIXED_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(entry, vba)
    write("macro.docm", buffer.getvalue())


def make_zips() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("readme.txt", "A plain ZIP archive.\n"), ("notes/todo.txt", "Nothing to do.\n")):
            entry = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text)
    write("plain.zip", buffer.getvalue())

    # One entry of 200 MiB of zeros, deflated (about 1000:1), written in pieces.
    path = OUT / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        entry = zipfile.ZipInfo("zeros.bin", date_time=FIXED_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(entry, "w") as stream:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                stream.write(chunk)
    size = path.stat().st_size
    if size >= 400 * 1024:
        sys.exit(f"bomb.zip is {size} bytes, expected under 400 KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_pdf()
    make_docx()
    make_xlsx()
    make_pptx()
    make_odf()
    make_rtf()
    make_text_and_csv()
    make_images()
    make_refused()
    for path in sorted(OUT.iterdir()):
        limit = None if path.name == "bomb.zip" else 50 * 1024
        size = path.stat().st_size
        flag = "" if limit is None or size < limit else "  (over 50 KiB!)"
        print(f"{size:>8}  {path.name}{flag}")


if __name__ == "__main__":
    main()
