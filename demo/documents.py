"""The demo drafts' files, built from the small templates in demo/data/drafts/.

A template holds every version of one document. Lines between an opening fence and a closing
`:::` belong to some versions only: `::: v1` (version 1), `::: v2+` (version 2 and later) or
`::: v1-2` (versions 1 and 2); `{version}` stands for the version's number. Rendered for one
version, the text becomes a file by the ending of the file's name:

* `.md`, `.txt`: the text itself.
* `.docx`: TOML front matter between `+++` lines (title, status, author and, with
  `numbered = true`, numbered sections), then Markdown-like blocks: a `# ` heading per section,
  paragraphs, `- ` bullets, `1. ` numbered steps and `|` tables (the first row is the header).
* `.pptx`: front matter (title, subtitle, author) for the title slide, then a slide per `## `
  heading: its `- ` bullets (`  - ` a level deeper) and, after them, its speaker notes.
* `.png`: TOML for a diagram: a title, a footer, shaded zones, boxes and arrows between them.

A paragraph or an item may be wrapped over several lines; a blank line ends it.
"""

from __future__ import annotations

import io
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from demo.datafiles import DATA_DIR, records

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

# python-docx, python-pptx and Pillow are imported where a file is built: seed_demo imports
# this module on every start (`make run`), and only an empty database needs them.

TEMPLATES_DIR = DATA_DIR / "drafts"

_FENCE_RE = re.compile(r"::: v(\d+)(\+|-(\d+))?")
_ITEM_RE = re.compile(r"( *)(- |\d+\. )(.*)")
_HEADING_RE = re.compile(r"(#+) (.*)")


def render(template: str, version: int) -> str:
    """The template's text for `version`: the fenced lines of other versions left out and
    `{version}` filled in."""
    kept: list[str] = []
    fenced, keep = False, True
    for number, line in enumerate(template.splitlines(keepends=True), start=1):
        bare = line.rstrip()
        if fence := _FENCE_RE.fullmatch(bare):
            if fenced:
                raise ValueError(f"line {number}: a fence inside a fence")
            first = int(fence[1])
            last = version if fence[2] == "+" else int(fence[3] or first)
            fenced, keep = True, first <= version <= last
        elif bare == ":::":
            if not fenced:
                raise ValueError(f"line {number}: a closing ::: without its fence")
            fenced, keep = False, True
        elif keep:
            kept.append(line)
    if fenced:
        raise ValueError("a fence is not closed")
    return "".join(kept).replace("{version}", str(version))


def build(template_name: str, filename: str, version: int) -> bytes:
    """Version `version` of the file `filename`, from demo/data/drafts/<template_name>."""
    text = render((TEMPLATES_DIR / template_name).read_text(encoding="utf-8"), version)
    match Path(filename).suffix:
        case ".docx":
            return word(text, version=version)
        case ".pptx":
            return slides(text, version=version)
        case ".png":
            return diagram(tomllib.loads(text))
        case _:
            return text.strip().encode() + b"\n"


# --- Blocks: the Markdown-like body of a Word or PowerPoint template -------------------


@dataclass
class Block:
    kind: Literal["heading", "paragraph", "bullet", "numbered", "table"]
    text: str = ""
    level: int = 0  # a heading's number of #s; a bullet's depth (0 at the margin)
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table's, header first


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The TOML between the `+++` lines that open `text`, and the rest of it."""
    if not text.startswith("+++\n"):
        raise ValueError("a Word or PowerPoint template starts with its +++ front matter")
    _empty, matter, body = text.split("+++\n", 2)
    return tomllib.loads(matter), body


def blocks(body: str) -> list[Block]:
    """The headings, paragraphs, list items and tables of `body`, in order."""
    found: list[Block] = []
    open_block = False  # whether a next line continues found[-1]
    for line in body.splitlines():
        bare = line.strip()
        if not bare:
            open_block = False
        elif bare.startswith("|"):
            if set(bare) <= set("|-: "):  # the rule under a table's header
                continue
            cells = tuple(cell.strip() for cell in bare.strip("|").split("|"))
            if open_block and found[-1].kind == "table":
                found[-1].rows.append(cells)
            else:
                found.append(Block("table", rows=[cells]))
            open_block = True
        elif heading := _HEADING_RE.fullmatch(line):
            found.append(Block("heading", heading[2], level=len(heading[1])))
            open_block = False
        elif item := _ITEM_RE.fullmatch(line):
            kind: Literal["bullet", "numbered"] = "bullet" if item[2] == "- " else "numbered"
            found.append(Block(kind, item[3], level=len(item[1]) // 2))
            open_block = True
        elif open_block and found[-1].kind != "table":
            found[-1].text += " " + bare
        else:
            found.append(Block("paragraph", bare))
            open_block = True
    return found


# --- Word, PowerPoint and PNG ----------------------------------------------------------


class _CoreProperties(Protocol):
    """What python-docx and python-pptx both let us set on a file's core properties."""

    title: str
    author: str
    last_modified_by: str
    revision: int


def _describe(properties: _CoreProperties, meta: dict[str, Any], version: int) -> None:
    """Title, author and revision, as a document's properties show them."""
    properties.title = meta["title"]
    properties.author = properties.last_modified_by = meta["author"]
    properties.revision = version


def word(text: str, *, version: int) -> bytes:
    """A .docx with a title, a status line, and headed sections of paragraphs and tables."""
    import docx

    meta, body = front_matter(text)
    document = docx.Document()
    _describe(document.core_properties, meta, version)
    document.add_heading(meta["title"], level=0)
    document.add_paragraph().add_run(meta["status"]).italic = True
    sections = 0
    for block in blocks(body):
        if block.kind == "heading":
            sections += 1
            number = f"{sections}. " if meta.get("numbered") else ""
            document.add_heading(number + block.text, level=1)
        elif block.kind == "table":
            header, *rows = block.rows
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, cell_text in zip(table.rows[0].cells, header, strict=True):
                cell.paragraphs[0].add_run(cell_text).bold = True
            for row in rows:
                for cell, cell_text in zip(table.add_row().cells, row, strict=True):
                    cell.text = cell_text
            document.add_paragraph()
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "numbered":
            document.add_paragraph(block.text, style="List Number")
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def slides(text: str, *, version: int) -> bytes:
    """A .pptx: a title slide, then a title-and-bullets slide per `## ` heading, with its
    speaker notes."""
    import pptx

    meta, body = front_matter(text)
    presentation = pptx.Presentation()
    _describe(presentation.core_properties, meta, version)
    first = presentation.slides.add_slide(presentation.slide_layouts[0])
    if first.shapes.title is not None:
        first.shapes.title.text = meta["title"]
    first.placeholders[1].text = meta["subtitle"]
    deck: list[tuple[str, list[Block], list[str]]] = []  # (title, bullets, notes)
    for block in blocks(body):
        if block.kind == "heading":
            deck.append((block.text, [], []))
        elif block.kind == "bullet":
            deck[-1][1].append(block)
        else:
            deck[-1][2].append(block.text)
    for title, bullets, notes in deck:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        if slide.shapes.title is not None:
            slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        for number, bullet in enumerate(bullets):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = bullet.text
            paragraph.level = bullet.level
        if notes:
            slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Box:
    key: str
    label: str  # "\n" separates lines
    x: int
    y: int
    fill: str = "#e8f0fe"
    width: int = 200
    height: int = 84

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def edge_towards(self, point: tuple[float, float]) -> tuple[float, float]:
        """Where the line from this box's centre to `point` leaves the box."""
        cx, cy = self.center
        dx, dy = point[0] - cx, point[1] - cy
        scale = min(
            self.width / 2 / abs(dx) if dx else math.inf,
            self.height / 2 / abs(dy) if dy else math.inf,
        )
        return cx + dx * scale, cy + dy * scale


@dataclass(frozen=True)
class Zone:
    label: str
    box: tuple[int, int, int, int]
    fill: str | None = None
    outline: str = "#7a869a"


def _centered(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
) -> None:
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, align="center")
    draw.multiline_text(
        (xy[0] - (right - left) / 2, xy[1] - (bottom - top) / 2 - top),
        text,
        fill="#172b4d",
        font=font,
        align="center",
    )


def diagram(spec: dict[str, Any]) -> bytes:
    """A PNG: shaded zones, labelled boxes and labelled arrows between them (`arrows` holds
    [from key, to key, label] triples)."""
    from PIL import Image, ImageDraw, ImageFont

    size = (spec.get("width", 1600), spec.get("height", 940))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    heading, text, small = (ImageFont.load_default(size=s) for s in (30, 18, 15))
    draw.text((40, 28), spec["title"], fill="#172b4d", font=heading)
    for zone in records(Zone, spec["zones"]):
        draw.rectangle(zone.box, fill=zone.fill, outline=zone.outline, width=2)
        draw.text((zone.box[0] + 12, zone.box[1] + 8), zone.label, fill="#42526e", font=small)
    boxes = records(Box, spec["boxes"])
    by_key = {box.key: box for box in boxes}
    for start_key, end_key, label in spec["arrows"]:
        start, end = by_key[start_key], by_key[end_key]
        x0, y0 = start.edge_towards(end.center)
        x1, y1 = end.edge_towards(start.center)
        draw.line((x0, y0, x1, y1), fill="#42526e", width=3)
        angle = math.atan2(y1 - y0, x1 - x0)
        head = [
            (x1, y1),
            (x1 - 14 * math.cos(angle - 0.4), y1 - 14 * math.sin(angle - 0.4)),
            (x1 - 14 * math.cos(angle + 0.4), y1 - 14 * math.sin(angle + 0.4)),
        ]
        draw.polygon(head, fill="#42526e")
        if label:
            mid = ((x0 + x1) / 2, (y0 + y1) / 2 - 14)
            left, top, right, bottom = draw.textbbox(mid, label, font=small, anchor="mm")
            draw.rectangle((left - 4, top - 2, right + 4, bottom + 2), fill="white")
            draw.text(mid, label, fill="#42526e", font=small, anchor="mm")
    for box in boxes:
        draw.rounded_rectangle(
            (box.x, box.y, box.x + box.width, box.y + box.height),
            radius=12,
            fill=box.fill,
            outline="#0b3d91",
            width=2,
        )
        _centered(draw, box.center, box.label, text)
    draw.text((40, size[1] - 36), spec["footer"], fill="#6b778c", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
