"""Demo drafts for `manage.py seed_demo`: documents shared early for feedback, and their files.

Each DraftIdea is one draft with its versions in order. A version's file is built in memory
when the demo is seeded (Markdown and text as bytes, Word with python-docx, PowerPoint with
python-pptx, diagrams with Pillow), so every version really differs from the one before, the
way its change note says, and the comments on a version are about what that version says.

demo.posts writes them through questions.actions (share_draft, upload_version,
post_answer, record_download), like every other demo post.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from demo.communities import FALCON, PLATFORM, RELEASE, SALES, SUPPORT

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

# python-docx, python-pptx and Pillow are imported where a file is built: seed_demo imports
# this module on every start (`make run`), and only an empty database needs them.


@dataclass(frozen=True)
class VersionIdea:
    filename: str
    build: Callable[[], bytes]
    change_note: str = ""  # empty for the first version
    comments: tuple[tuple[str, str], ...] = ()  # (username, Markdown) about this version


@dataclass(frozen=True)
class DraftIdea:
    title: str
    body: str  # what feedback is wanted; @mentions ask reviewers
    author: str
    tags: tuple[str, ...]
    versions: tuple[VersionIdea, ...]
    community: str | None = None
    final: bool = False  # the author marks it final after the last version


# --- File builders --------------------------------------------------------------------


def markdown(text: str) -> bytes:
    return text.strip().encode() + b"\n"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# A Word block: a paragraph ("- " starts a bullet, "1. " a numbered step) or a table.
Block = str | Table


def word(
    *,
    title: str,
    status: str,
    author: str,
    version: int,
    sections: Sequence[tuple[str, Sequence[Block]]],
) -> bytes:
    """A .docx with a title, a status line, and headed sections of paragraphs and tables."""
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = author
    properties.revision = version
    document.add_heading(title, level=0)
    document.add_paragraph().add_run(status).italic = True
    for heading, blocks in sections:
        document.add_heading(heading, level=1)
        for block in blocks:
            if isinstance(block, Table):
                table = document.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.paragraphs[0].add_run(text).bold = True
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
                document.add_paragraph()
            elif block.startswith("- "):
                document.add_paragraph(block[2:], style="List Bullet")
            elif block[:1].isdigit() and block[1:3] == ". ":
                document.add_paragraph(block[3:], style="List Number")
            else:
                document.add_paragraph(block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Slide:
    title: str
    bullets: tuple[str, ...]  # "- " starts a second-level bullet
    notes: str = ""


def slides(*, title: str, subtitle: str, author: str, version: int, deck: Sequence[Slide]) -> bytes:
    """A .pptx: a title slide, then one title-and-bullets slide per Slide, with speaker notes."""
    import pptx

    presentation = pptx.Presentation()
    properties = presentation.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = author
    properties.revision = version
    first = presentation.slides.add_slide(presentation.slide_layouts[0])
    if first.shapes.title is not None:
        first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    for spec in deck:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        if slide.shapes.title is not None:
            slide.shapes.title.text = spec.title
        frame = slide.placeholders[1].text_frame
        for number, bullet in enumerate(spec.bullets):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = bullet.removeprefix("- ")
            paragraph.level = 1 if bullet.startswith("- ") else 0
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
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


def diagram(
    *,
    title: str,
    footer: str,
    zones: Sequence[Zone],
    boxes: Sequence[Box],
    arrows: Sequence[tuple[str, str, str]],  # (from key, to key, label)
    size: tuple[int, int] = (1600, 940),
) -> bytes:
    """A PNG: shaded zones, labelled boxes and labelled arrows between them."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    heading, text, small = (ImageFont.load_default(size=s) for s in (30, 18, 15))
    draw.text((40, 28), title, fill="#172b4d", font=heading)
    for zone in zones:
        draw.rectangle(zone.box, fill=zone.fill, outline=zone.outline, width=2)
        draw.text((zone.box[0] + 12, zone.box[1] + 8), zone.label, fill="#42526e", font=small)
    by_key = {box.key: box for box in boxes}
    for start_key, end_key, label in arrows:
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
    draw.text((40, size[1] - 36), footer, fill="#6b778c", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- Onboarding checklist (Markdown, three versions) ---------------------------------


def onboarding_checklist(version: int) -> bytes:
    access_v1 = """
## 2. Access (week one)

1. Request the `k8s-readonly` group for `staging-eu` and `prod-eu-1` in the access portal.
2. Install the VPN client and connect to the Berlin gateway.
3. Sign in to SSO and enrol your laptop in device management.
4. Ask for access to the GitHub organisation and join the `platform` team.
5. Get a PagerDuty account (read-only until you have done the on-call training).

Most requests are approved by your manager within a day. If one is stuck for more than two
days, post in the Platform community with the request number rather than waiting quietly.
"""
    access_v2 = """
## 2. Access (week one)

Do these in order: each step needs the one before it.

1. Sign in to SSO and enrol your laptop in device management. Every other request is
   refused until the laptop shows as compliant, so do this on the morning of day one.
2. Ask for access to the GitHub organisation and join the `platform` team.
3. Request the `k8s-readonly` group for `staging-eu` and `prod-eu-1` in the access portal;
   your manager approves it.
4. Log in to the clusters through Teleport. There is no VPN for cluster access any more:

   ```
   tsh login --proxy=teleport.northwind.example
   tsh kube login staging-eu
   kubectl get pods -n platform
   ```

5. Get a PagerDuty account (read-only until you have done the on-call training).

Most requests are approved by your manager within a day. If one is stuck for more than two
days, post in the Platform community with the request number rather than waiting quietly.

### 2a. Extra steps for frontend engineers

*Written by Yuki Tanaka.*

- Ask to join the `design-system` team on GitHub: the component library lives in its own
  repository with its own reviewers.
- Request a token for Storybook preview deploys; every pull request gets a preview link.
- Use the Node version in `.nvmrc` (a version manager saves a lot of confusion).
- Subscribe to the visual regression report; it comments on your pull requests.
"""
    week_one_shadowing = "- [ ] Shadow the on-call engineer for one day\n" if version < 3 else ""
    first_month_v1 = """
## 4. First month: ship something

- [ ] Ship a small change to production, end to end
- [ ] Write down one thing in this checklist that confused you, and fix it
- [ ] Book a 30-minute coffee with someone from Support to hear what customers run into
"""
    first_month_v3 = """
## 4. First month: ship something

- [ ] Pick a ticket labelled `good-first-change` on the Platform board and ship it to
  production, end to end. Good first changes we keep in stock:
  - add a runbook link to an alert that does not have one
  - bump a service to the current distroless base image digest
  - turn a dashboard panel that nobody understands into one with a clear title and unit
- [ ] Write down one thing in this checklist that confused you, and fix it
- [ ] Book a 30-minute coffee with someone from Support to hear what customers run into
- [ ] 30-day check-in with your manager: what is going well, what is unclear, and what
  you want to learn next (the People team sends the template)

## 5. Week three: on-call shadowing

Shadow the on-call engineer for two days in your third week, once you know the services by
name. You join the pages and the hand-over, but you are never the one who is paged. Your
first on-call week of your own comes after the on-call training, usually in month three.
"""
    text = f"""
# Onboarding checklist: Platform team

*Draft v{version} · owner: Maria Lopez, Engineering Manager, Platform*

Welcome to Platform! This is the checklist we walk through with every new engineer during
their first month. It is short on purpose: everything that is not on it can wait, and
anything that blocks you should be raised in the Platform community instead of being solved
alone.

Your manager goes through it with you in your weekly one-to-one. If a step is wrong or out
of date, fix it in this document: that is part of onboarding too, and the next person will
thank you.

## 1. Before day one (manager)

- [ ] Laptop ordered through the IT portal, with the engineering image
- [ ] Buddy chosen from a different team, and introduced by e-mail
- [ ] Calendar invites sent: team stand-up, Platform office hours, the Thursday demo
- [ ] First-week plan shared with the new joiner
{access_v1 if version == 1 else access_v2}
## 3. First week: learn the system

- [ ] Read the architecture overview and the last three post-incident reviews
- [ ] Deploy the `hello-platform` service to staging with the paved-road template
- [ ] Sit in on the Thursday demo and introduce yourself
- [ ] Pair with your buddy for at least two hours
{week_one_shadowing}{first_month_v1 if version < 3 else first_month_v3}
## Who to ask

Your buddy first, then the Platform community. For access problems, Ken Okafor; for
anything about the team or your role, Maria Lopez.
"""
    if version >= 3:
        text += (
            "\nThe buddy programme is described in the People handbook, under *Your first "
            "weeks*. Buddies meet you at least once a week for the first month.\n"
        )
    return markdown(text)


ONBOARDING = DraftIdea(
    title="Onboarding checklist for new Platform engineers",
    body=(
        "First full draft of the checklist we give new joiners on the Platform team. I'd "
        "especially like eyes on **section 2 (access)**: @ken, is the order right? @yuki, "
        "does anything differ for frontend folks?"
    ),
    author="maria",
    tags=("onboarding", "documentation", "kubernetes"),
    community=PLATFORM,
    versions=(
        VersionIdea(
            "platform-onboarding-checklist.md",
            partial(onboarding_checklist, 1),
            comments=(
                (
                    "ken",
                    "Section 2 is in the wrong order: the `k8s-readonly` request is refused "
                    "until the laptop is enrolled and SSO works, so people get stuck on step 1 "
                    "for days. Enrolment first, then GitHub, then the cluster groups.\n\n"
                    "Also drop the VPN step: cluster access goes through Teleport now. The "
                    "Berlin gateway is only good for the office printers.",
                ),
                (
                    "yuki",
                    "A few extra things for frontend folks: the design-system repo is a "
                    "separate GitHub team, and Storybook preview deploys need their own token. "
                    "Happy to write that part if you like.",
                ),
            ),
        ),
        VersionIdea(
            "platform-onboarding-checklist.md",
            partial(onboarding_checklist, 2),
            change_note=(
                "Took in Ken's comments on section 2: device enrolment and SSO first, Teleport "
                "instead of the VPN. Added the frontend steps Yuki wrote."
            ),
            comments=(
                (
                    "aisha",
                    "Much easier to follow. One ask for section 4: *ship something* is vague "
                    "for someone new. We keep a `good-first-change` label on the Platform "
                    "board; could the checklist point there, with two or three examples?",
                ),
                (
                    "ines",
                    "From the People side: please link the buddy programme and add the 30-day "
                    "check-in with the manager. Also, the last two joiners told me on-call "
                    "shadowing in week one was a lot, before they knew the services by name.",
                ),
            ),
        ),
        VersionIdea(
            "platform-onboarding-checklist.md",
            partial(onboarding_checklist, 3),
            change_note=(
                "Concrete starter tasks in section 4 (thanks Aisha); the 30-day check-in and "
                "the buddy programme from Inès; on-call shadowing moved to week three."
            ),
            comments=(
                (
                    "tom",
                    "Great list. Can we link it from the Platform community description, so "
                    "people find it before their first day?",
                ),
                (
                    "oliver",
                    "As a fairly recent joiner: *write down one thing that confused you, and "
                    "fix it* is the best step on the list. 👍",
                ),
            ),
        ),
    ),
)


# --- Release signing runbook (Word, two versions) ------------------------------------


def signing_runbook(version: int) -> bytes:
    how_it_works: list[Block] = [
        "The release pipeline signs with cosign. The private key never leaves AWS KMS: the "
        "pipeline asks KMS to sign the artifact's digest, using the release-signer role, and "
        "KMS returns the signature. Nobody, including the release team, can export the key.",
        "The public key is published at keys.northwind.example/release.pub and is built into "
        "our admission controller, which refuses unsigned images in every production cluster.",
    ]
    if version == 1:
        how_it_works.append(
            "The pipeline refers to the key through the alias alias/release-signing. During a "
            "rotation the alias is moved to the new key, and every pipeline picks it up."
        )
    else:
        how_it_works.append(
            "The pipeline refers to the key by its full ARN, set in release/signing.yaml. The "
            "alias alias/release-signing still points at the current key for people and "
            "dashboards, but no pipeline depends on it: changing the key is a reviewed "
            "one-line pull request, and rolling back is reverting it."
        )
    rotation: list[Block] = [
        "We rotate the signing key once a year, in the first week of October, and whenever "
        "Security asks us to. A rotation takes about an hour of work spread over two weeks.",
        "1. Two weeks ahead, announce the rotation date in the Release engineering community.",
        "1. Create the new asymmetric key in KMS (ECC_NIST_P256, sign and verify) in the "
        "release account.",
    ]
    if version >= 2:
        rotation.append(
            "1. Grant the release-signer role kms:Sign and kms:GetPublicKey in the new key's "
            "key policy. The alias does not carry permissions: without this step signing "
            "fails with AccessDenied."
        )
    rotation += [
        "1. Publish the new public key next to the old one; both are trusted during the overlap.",
        "1. Add the new key to the admission controller's trusted keys and roll it out to "
        "every cluster. Platform on-call does this step.",
        "1. On the rotation day, point the alias alias/release-signing at the new key."
        if version == 1
        else "1. On the rotation day, merge the change to release/signing.yaml that switches "
        "the key ARN. Announce it in the Release engineering community when it is merged.",
        "1. Run the nightly by hand and verify its signature with the new public key.",
        "1. After 30 days, remove the old key from the trusted keys and schedule it for "
        "deletion in KMS."
        if version == 1
        else "1. After 30 days, remove the old key from the admission controller's trusted "
        "keys and disable it for signing. Keep its public key published for as long as "
        "releases signed with it are supported, and record the rotation in the security "
        "change log.",
    ]
    failures = [
        (
            "key not found: awskms:///alias/release-signing",
            "The alias was moved or deleted during a rotation",
            "Check the alias target in KMS, then re-run the job",
        ),
        (
            "signature verification failed (admission controller)",
            "The cluster does not trust the new key yet",
            f"Roll out the trusted keys (rotation step {4 if version == 1 else 5}), then redeploy",
        ),
        (
            "The signing step hangs for minutes",
            "KMS throttling during a large release",
            "Re-run the step; the pipeline signs in batches of 20",
        ),
    ]
    if version >= 2:
        failures.insert(
            1,
            (
                "AccessDenied: kms:Sign",
                "The new key's policy does not grant the release-signer role",
                "Add kms:Sign to the key policy (rotation step 3); never widen the role's IAM "
                "policy instead",
            ),
        )
    sections: list[tuple[str, Sequence[Block]]] = [
        (
            "1. Purpose",
            [
                "Every artifact we publish (container images, Helm charts and the desktop "
                "installers) is signed, so that customers and our own clusters can check that "
                "what they run was built by our pipeline. This runbook explains how signing "
                "works, how the signing key is rotated every year, and what to do when signing "
                "fails in the middle of a release.",
                "It is written for the release engineer on duty. You should not need anything "
                "beyond this document, the pipeline logs and access to the release AWS account.",
            ],
        ),
        ("2. How signing works", how_it_works),
        (
            "3. Who does what",
            [
                "- Release engineer on duty: runs the rotation and watches the first signed "
                "release.",
                "- Platform on-call: updates the admission controller's trusted keys.",
                "- Security: approves the new key and the rotation date.",
            ],
        ),
        ("4. Yearly key rotation", rotation),
    ]
    if version >= 2:
        sections.append(
            (
                "5. Emergency rotation",
                [
                    "If the signing key may be compromised, the Security on-call engineer "
                    "approves an emergency rotation at any hour, weekends included. Nobody "
                    "else needs to be reached first.",
                    "- Disable the current key for signing in KMS at once. Releases stop, "
                    "which is the point.",
                    "- Create and trust a new key as in the yearly rotation, skipping the "
                    "two-week notice.",
                    "- Tell customers through the status page which releases to re-verify, "
                    "with the new public key.",
                ],
            )
        )
    sections += [
        (
            f"{len(sections) + 1}. Verifying a signature",
            [
                "Anyone can verify a release with the public key, for example: cosign verify "
                "--key https://keys.northwind.example/release.pub "
                "registry.northwind.example/atlas/api:5.2.0",
                "A successful check prints the signed digest and the claims. Anything else "
                "means the image must not be deployed.",
            ],
        ),
        (
            f"{len(sections) + 2}. When signing fails",
            [Table(("Symptom", "Likely cause", "What to do"), tuple(failures))],
        ),
        (
            f"{len(sections) + 3}. Keeping this runbook true",
            [
                "This runbook is reviewed after every rotation by whoever ran it. If something "
                "surprised you, change the document the same day, while you still remember.",
            ],
        ),
    ]
    return word(
        title="Release signing runbook",
        status=(
            f"Draft v{version} for review · Owner: Tom Becker, Release engineering · Applies "
            "to every artifact the release pipeline publishes"
        ),
        author="Tom Becker",
        version=version,
        sections=sections,
    )


SIGNING_RUNBOOK = DraftIdea(
    title="Runbook: release signing and the yearly key rotation",
    body=(
        "I rewrote the signing runbook after this year's key rotation caught three pipelines "
        "by surprise. Please check the rotation steps (section 4) and the failure table at "
        "the end, @ken @aisha. Comment on the version you read, so I know which one it was."
    ),
    author="tom",
    tags=("release", "signing", "security", "runbook"),
    community=RELEASE,
    versions=(
        VersionIdea(
            "Release signing runbook.docx",
            partial(signing_runbook, 1),
            comments=(
                (
                    "ken",
                    "Section 4, the alias step, is the one that bit us: moving the alias is "
                    "invisible in code review and every pipeline picks it up at once. Could we "
                    "pin the key by ARN in the pipeline config instead? Then a rotation is a "
                    "reviewed one-line PR, and a rollback is a revert.",
                ),
                (
                    "aisha",
                    "The failure table is missing the one we hit in March: `AccessDenied ... "
                    "kms:Sign`. A new key needs its own key policy for the release-signer "
                    "role. And who approves an emergency rotation if the key leaks on a "
                    "Saturday?",
                ),
                (
                    "peter",
                    "For the audit trail: please keep old public keys published for as long "
                    "as we support releases signed with them, and note each rotation in the "
                    "security change log. Our auditors asked for exactly that last year.",
                ),
            ),
        ),
        VersionIdea(
            "Release signing runbook.docx",
            partial(signing_runbook, 2),
            change_note=(
                "Pinned the key by ARN instead of moving the alias, as Ken suggested. Added the "
                "kms:Sign row and an emergency rotation section (Aisha); old public keys stay "
                "published while their releases are supported (Peter)."
            ),
            comments=(
                (
                    "ken",
                    "Ship it. The ARN change is already merged in the pipeline repo, so the "
                    "runbook and reality match for once.",
                ),
                (
                    "yuki",
                    "Followed the verification section on my laptop against last night's "
                    "nightly: worked first time.",
                ),
            ),
        ),
    ),
)


# --- Q3 architecture review (PowerPoint, two versions) -------------------------------


def architecture_deck(version: int) -> bytes:
    asks = Slide(
        "Asks for Q4",
        (
            "A second PostgreSQL cluster for prod-eu-1 (budget approved in principle)",
            "One more SRE: the hiring plan is with the leadership team",
            "A decision on running prod-us-2 in two regions",
        ),
        "If we only get through one slide, it is this one. The PostgreSQL ask is the urgent one: "
        "at the current growth the primary runs out of storage headroom in February.",
    )
    where_we_are = Slide(
        "Where we are",
        (
            "4 production clusters, 212 services on the paved road",
            "Median deploy time: 11 minutes (Q2: 19)",
            "2 customer-visible incidents this quarter (Q2: 5)",
            "Every service on distroless base images since August",
        ),
        "Open with the numbers, they are good news. Deploy time fell mostly because of the "
        "CI runner autoscaling.",
    )
    changed = Slide(
        "What changed in Q3",
        (
            "Teleport replaced the VPN for cluster access",
            "CI runners autoscale on demand: queue time under a minute",
            "Distroless base images: smaller images, far fewer CVEs",
            "Yearly signing key rotated",
            "- with one bumpy morning; the runbook is being rewritten",
        ),
        "Mention the rotation honestly: three pipelines failed to sign for a morning.",
    )
    risks = [
        "The PostgreSQL primary in prod-eu-1 is at 70% of its storage",
        "On-call load: three people carry half of all pages",
        "A few services are still pinned to old base image digests",
    ]
    if version == 1:
        data = [
            Slide(
                "Data platform",
                (
                    "Kafka: 1.1 billion events a day",
                    "Warehouse loads every 15 minutes",
                    "Consumer lag alerts added for the orders topic",
                ),
                "Check the numbers with Priya before Thursday.",
            )
        ]
    else:
        risks.insert(1, "Orders consumer lag in September delayed invoices by six hours")
        data = [
            Slide(
                "Streaming: Kafka",
                (
                    "1.8 billion events a day (June: 1.1 billion)",
                    "46 topics; orders and billing-events are the critical ones",
                    "Consumer lag alerts on every critical topic since September",
                    "Owner: Data engineering, with Platform running the brokers",
                ),
                "Numbers from Priya, as of last week. The growth is mostly clickstream.",
            ),
            Slide(
                "Warehouse",
                (
                    "Loads every 15 minutes; 9 TB, growing 6% a month",
                    "Finance and Sales reporting moved off the production replicas",
                    "Next: retire the nightly batch exports",
                ),
                "Separate owners and separate asks from streaming, which is why it is its own "
                "slide now.",
            ),
        ]
    risk_slide = Slide(
        "Risks",
        tuple(risks),
        "Keep this factual. Each risk has an owner and a date in the Platform roadmap.",
    )
    if version == 1:
        deck = [where_we_are, changed, *data, risk_slide, asks]
    else:
        deck = [asks, where_we_are, changed, *data, risk_slide]
    return slides(
        title="Q3 architecture review: Platform",
        subtitle=f"Northwind Engineering · draft v{version} for review",
        author="Maria Lopez",
        version=version,
        deck=deck,
    )


ARCHITECTURE_DECK = DraftIdea(
    title="Q3 architecture review: Platform (slides)",
    body=(
        "Slides for Thursday's Q3 architecture review. The audience is the leadership team: "
        "ten minutes plus questions. Is the story clear? I'm least sure about the data slide. "
        "@aisha @priya @hannah"
    ),
    author="maria",
    tags=("architecture", "design-review", "planning", "kubernetes"),
    community=PLATFORM,
    versions=(
        VersionIdea(
            "Q3 architecture review - Platform.pptx",
            partial(architecture_deck, 1),
            comments=(
                (
                    "priya",
                    "Data slide: 1.1 billion a day is the June number. We're at about 1.8 "
                    "billion now, and the orders consumer lag from September belongs on the "
                    "risks slide, not hidden in a bullet.",
                ),
                (
                    "aisha",
                    "I'd split the data slide into streaming (Kafka) and the warehouse. "
                    "Different owners, different asks, and people mix the two up in every "
                    "review.",
                ),
                (
                    "hannah",
                    "For this audience, lead with the asks: put *Asks for Q4* right after the "
                    "title and let the rest be the evidence. Ten minutes goes fast.",
                ),
            ),
        ),
        VersionIdea(
            "Q3 architecture review - Platform.pptx",
            partial(architecture_deck, 2),
            change_note=(
                "Asks for Q4 up front, as Hannah suggested. Split the data slide into streaming "
                "and warehouse, with Priya's current numbers; the orders lag is now a risk."
            ),
            comments=(
                (
                    "lucas",
                    "Could the streaming slide say one thing about search indexing latency? "
                    "It's the part product notices first when Kafka is slow.",
                ),
                (
                    "hannah",
                    "Much better flow. Good to go from my side; it's first on Thursday's agenda.",
                ),
            ),
        ),
    ),
)


# --- Postmortem template (Markdown, two versions, final) -----------------------------


def postmortem_template(version: int) -> bytes:
    header_rows = (
        "| Incident | INC-<number> |\n| Date | <YYYY-MM-DD> |\n| Severity | S1 / S2 / S3 |\n"
    )
    if version >= 2:
        header_rows += "| Status page | <link to the status page incident, if any> |\n"
    blameless = (
        """
**This review is blameless.** Describe systems, signals and decisions, not people: no names
in the root cause or in the contributing factors. Everyone involved acted on what they knew
at the time; the question is why that was not enough, and what would make the right thing
the easy thing next time.
"""
        if version >= 2
        else ""
    )
    customer_section = (
        """
## Customer impact and communication

*Filled in together with Support. Which customers contacted us, what we told them and when,
and which tickets are linked. Support uses this section for the follow-up e-mails.*

| Time (UTC) | Channel | Audience | Message |
|---|---|---|---|
| 09:40 | Status page | All customers | Investigating elevated errors on the API |

Linked support tickets: <ticket numbers>
"""
        if version >= 2
        else ""
    )
    return markdown(
        f"""
# Postmortem: <incident title>

> Template v{version}. Copy this file, fill in every section and share it as a draft in the
> Platform community before the review meeting. Delete the guidance in italics when done.
{blameless}
| | |
|---|---|
{header_rows}| Author | <name> |
| Review status | Draft / In review / Final |

## Summary

*Three or four sentences that a colleague outside engineering understands: what broke, for
whom, for how long, and how it was fixed.*

## Impact

*Who was affected, and how much: customers, failed requests, data delayed or lost. Give each
number with its source, e.g. "12% of API requests returned 503 for 38 minutes (load balancer
logs)".*
{customer_section}
## Timeline (UTC)

| Time | What happened |
|---|---|
| 09:12 | First alert: API error rate above 5% |
| 09:15 | On-call acknowledges and opens the incident channel |

*Include detection, escalation, mitigation and resolution. Take times from logs and chat
history, not from memory.*

## Root cause and contributing factors

*What made this possible? Look for conditions rather than a single mistake: "the migration
ran without a lock timeout" helps the next team; a name does not.*

## What went well

## Where we got lucky

## What went wrong

## Action items

| Action | Owner | Due | Ticket |
|---|---|---|---|
| | | | |

*Every action has one owner and a date. Fewer actions that will really happen beat a long
list that will not.*

## Review

*Who reviewed this and when; link the recording of the review meeting.*
"""
    )


POSTMORTEM_TEMPLATE = DraftIdea(
    title="Blameless postmortem template for every team",
    body=(
        "A proposal for one postmortem template for every team, so that reviews are "
        "comparable and action items stop getting lost. I'll mark it final once the open "
        "comments are resolved. @carlos @maria"
    ),
    author="ken",
    tags=("incident", "postmortem", "on-call", "process"),
    community=PLATFORM,
    final=True,
    versions=(
        VersionIdea(
            "postmortem-template.md",
            partial(postmortem_template, 1),
            comments=(
                (
                    "carlos",
                    "From Support: please add a section on customer impact and communication: "
                    "which customers contacted us, what we told them and when, and which "
                    "tickets are linked. Today we rebuild that from the chat history for every "
                    "review.",
                ),
                (
                    "maria",
                    "Could the template say right at the top that it's blameless? Something "
                    "like *describe systems and decisions, not people*. New joiners aren't "
                    "always sure, and it changes how they write.",
                ),
                (
                    "fatima",
                    "Small one: a field for the status page incident link. Customers always "
                    "ask us for it afterwards.",
                ),
            ),
        ),
        VersionIdea(
            "postmortem-template.md",
            partial(postmortem_template, 2),
            change_note=(
                "Added the customer impact and communication section Carlos asked for, a "
                "blameless note at the top (Maria) and the status page link (Fatima)."
            ),
            comments=(
                (
                    "carlos",
                    "That section is exactly what we need. Thanks Ken!",
                ),
                (
                    "maria",
                    "Let's make this the standard. I'll link it from the on-call handbook.",
                ),
            ),
        ),
    ),
)


# --- API style guide (Word, three versions) ------------------------------------------


def api_style_guide(version: int) -> bytes:
    naming: list[Block] = [
        "- Paths use plural nouns in kebab-case: /v1/purchase-orders/{id}/line-items.",
        "- JSON fields use snake_case: created_at, purchase_order_id.",
        "- Timestamps are RFC 3339 strings in UTC: 2025-10-14T09:30:00Z. No epoch numbers.",
        "- IDs are opaque strings, never integers, even where the database uses integers.",
        "- Booleans are named as statements: is_archived, has_attachments.",
    ]
    if version >= 2:
        naming.append(
            "Why snake_case and not camelCase: about 90% of the fields in our public API are "
            "already snake_case, our generated SDKs map field names to each language's "
            "convention, and changing now would break every existing integration. Clients "
            "that prefer camelCase map it once, in the SDK, not in every call."
        )
    if version == 1:
        pagination: list[Block] = [
            "Lists accept limit (default 50, maximum 200) and either page or cursor. Use a "
            "cursor for large or fast-changing collections, and page numbers for small admin "
            "lists where people want to jump to page 4.",
            "Responses include the total count only when it is cheap to compute.",
        ]
    else:
        example = "b3JkZXJzOjEwMjQ=" if version == 2 else "CkQ3wq0xZ0FfMnR4V2pRbUtx"
        pagination = [
            "Lists are paginated with cursors only. Requests accept limit (default 50, maximum "
            "200) and cursor; responses return next_cursor, which is null on the last page.",
            "Cursors are opaque: clients must not build, parse or store them for later. The "
            f'server may change their format at any time. Example: "next_cursor": "{example}".',
            "Offset pagination is not allowed on new endpoints: on large tables such as events "
            "and audit_log it gets slower with every page, and rows move between pages while "
            "someone is reading.",
        ]
    errors: list[Block] = [
        "Errors use application/problem+json (RFC 9457) with type, title, status and detail. "
        "Validation errors add an errors list, with a JSON pointer to each field at fault.",
        Table(
            ("Status", "When", "Example type"),
            (
                ("400", "The request is malformed", "/problems/malformed-request"),
                ("404", "The resource does not exist, or the caller may not see it", "-"),
                ("409", "A conflicting change (for example an edit of an old revision)", "-"),
                ("422", "The request is well formed but invalid", "/problems/validation"),
            ),
        ),
    ]
    sections: list[tuple[str, Sequence[Block]]] = [
        (
            "1. Why a style guide",
            [
                "Our public API has grown to more than 140 endpoints, written by nine teams "
                "over four years. Customers notice the differences: some lists use page "
                "numbers and some use cursors, errors come in three shapes, and dates appear as "
                "timestamps, as strings and, in one place, as milliseconds.",
                "This guide records the conventions for new endpoints, public and internal. It "
                "does not ask anyone to rewrite existing endpoints: change them when you are "
                "changing them anyway, and note any exception in the endpoint's description.",
            ],
        ),
        ("2. Resources and naming", naming),
        ("3. Pagination", pagination),
        ("4. Errors", errors),
    ]
    if version >= 2:
        sections.append(
            (
                "5. Rate limiting",
                [
                    "Every response carries RateLimit-Limit, RateLimit-Remaining and "
                    "RateLimit-Reset. When a client is over its limit we answer 429 with a "
                    "problem document and a Retry-After header in seconds.",
                    "Limits are per API key, not per IP address. Internal callers get their own "
                    "keys, so that one batch job cannot starve the web front end.",
                ],
            )
        )
    sections.append(
        (
            f"{len(sections) + 1}. Versioning",
            [
                "The major version is in the path (/v1/). Adding fields or endpoints does not "
                "need a new version; clients must ignore fields they do not know.",
                "Removing or renaming a field, or changing its meaning, needs a new major version.",
            ],
        )
    )
    if version >= 3:
        sections.append(
            (
                f"{len(sections) + 1}. Deprecation",
                [
                    "We give at least six months' notice before an endpoint or a version is "
                    "removed. Deprecated endpoints send the Deprecation and Sunset headers "
                    "(RFC 8594) and a Link header pointing to the migration guide.",
                    "Customer Success tells affected accounts directly, based on the API "
                    "logs of the last 90 days, and the public changelog lists every "
                    "deprecation with its sunset date.",
                ],
            )
        )
    sections.append(
        (
            f"{len(sections) + 1}. Do and don't",
            [
                Table(
                    ("Do", "Don't", "Why"),
                    (
                        (
                            "GET /v1/invoices?status=open",
                            "GET /v1/getOpenInvoices",
                            "Verbs belong to HTTP, not to paths",
                        ),
                        (
                            "Return 201 with the created resource",
                            "Return 200 with {ok: true}",
                            "Clients need the new id and state",
                        ),
                        (
                            "Use ISO currency codes with amounts in minor units",
                            "Send amounts as floats",
                            "Floats lose cents",
                        ),
                    ),
                )
            ],
        )
    )
    return word(
        title="Northwind API style guide",
        status=(
            f"Draft v{version} · Owner: Aisha Rahman · Applies to every HTTP API we build, "
            "public or internal"
        ),
        author="Aisha Rahman",
        version=version,
        sections=sections,
    )


API_STYLE_GUIDE = DraftIdea(
    title="API style guide: naming, pagination, errors and versioning",
    body=(
        "A draft of the conventions for our HTTP APIs, public and internal, so we stop "
        "re-deciding them in every code review. I'd rather hear disagreement now than in "
        "pull requests. @priya @yuki @ken"
    ),
    author="aisha",
    tags=("api", "design-docs", "backend", "documentation"),
    versions=(
        VersionIdea(
            "API style guide.docx",
            partial(api_style_guide, 1),
            comments=(
                (
                    "yuki",
                    "From the frontend side: camelCase JSON would save us a mapping layer in "
                    "every client. If we stay with snake_case I can live with it, but please "
                    "write down *why* in the guide, so the debate ends there.",
                ),
                (
                    "priya",
                    "Section 3: please make it cursor-only. Offset pagination on the events and "
                    "audit_log tables is what caused last quarter's export timeouts, and "
                    "*small admin lists* have a habit of not staying small.",
                ),
                (
                    "ken",
                    "Missing: rate limiting. Which headers we send, and what a 429 looks like. "
                    "Support gets these questions every week.",
                ),
            ),
        ),
        VersionIdea(
            "API style guide.docx",
            partial(api_style_guide, 2),
            change_note=(
                "Cursor-only pagination (Priya), a new rate limiting section (Ken), and the "
                "reasons for snake_case written down (Yuki)."
            ),
            comments=(
                (
                    "yuki",
                    "The snake_case reasoning convinced me, thanks. Nit in section 3: the "
                    "example cursor decodes to `orders:1024`, so it isn't really opaque, and "
                    "people will copy it.",
                ),
                (
                    "lucas",
                    "Can we add a deprecation policy? Customers ask Sales how long an old "
                    "version keeps working, and we give a different answer every time. "
                    "@emma has a questionnaire waiting on this.",
                ),
            ),
        ),
        VersionIdea(
            "API style guide.docx",
            partial(api_style_guide, 3),
            change_note=(
                "Added a deprecation policy (Lucas): six months' notice, with Deprecation and "
                "Sunset headers. Replaced the cursor example with a really opaque one (Yuki)."
            ),
            comments=(
                (
                    "emma",
                    "The deprecation section is exactly what I needed for the Contoso security "
                    "questionnaire. Thank you!",
                ),
            ),
        ),
    ),
)


# --- Network diagram (PNG, two versions) ---------------------------------------------


def network_diagram(version: int) -> bytes:
    outside, data = "#fff4e5", "#e3fcef"
    boxes = [
        Box("users", "Customers\n(internet)", 30, 400, fill=outside, width=180),
        Box("cdn", "CDN + WAF\n(edge)", 280, 400, fill=outside, width=180),
        Box("lb", "Load balancer\nTLS 443", 540, 400),
        Box("ingress", "Ingress\n(nginx)", 770, 400),
        Box("web", "web\n(pods)", 1010, 200),
        Box("api", "api\n(pods)", 1010, 400),
        Box("workers", "workers\n(pods)", 1010, 600),
        Box("db", "PostgreSQL\nprimary", 1340, 300, fill=data),
        Box("replica", "PostgreSQL\nreplica", 1340, 460, fill=data),
        Box("kafka", "Kafka\n(3 brokers)", 1340, 620, fill=data),
    ]
    arrows = [
        ("users", "cdn", "HTTPS"),
        ("cdn", "lb", "HTTPS"),
        ("lb", "ingress", ""),
        ("ingress", "web", ""),
        ("ingress", "api", ""),
        ("api", "db", "SQL"),
        ("db", "replica", "replication"),
        ("workers", "kafka", "events"),
    ]
    zones = [
        Zone("VPC prod-eu-1 · 10.20.0.0/16", (510, 110, 1580, 860)),
        Zone("Private subnets", (980, 150, 1570, 850), outline="#a5adba"),
    ]
    if version >= 2:
        zones.insert(
            0,
            Zone(
                "EU data-residency boundary (eu-central-1): customer data stays inside",
                (495, 80, 1595, 875),
                fill="#f3f0ff",
                outline="#6554c0",
            ),
        )
        boxes += [
            Box("egress", "Egress proxy\n(allow-list)", 770, 740),
            Box("payments", "Payments provider\n(external, EU)", 260, 740, fill=outside),
        ]
        arrows += [
            ("api", "kafka", "events"),
            ("workers", "egress", "HTTPS"),
            ("egress", "payments", "mTLS"),
        ]
    return diagram(
        title=f"prod-eu-1: request path from the internet to the database (draft v{version})",
        footer=f"Ken Okafor · Platform · draft v{version} · internal, not for customers",
        zones=zones,
        boxes=boxes,
        arrows=arrows,
    )


NETWORK_DIAGRAM = DraftIdea(
    title="prod-eu-1 network diagram: from the internet to the database",
    body=(
        "I drew the request path through prod-eu-1 for the onboarding pack and for next "
        "month's security review. What's missing or wrong? @priya @peter"
    ),
    author="ken",
    tags=("kubernetes", "networking", "security", "documentation"),
    community=PLATFORM,
    versions=(
        VersionIdea(
            "prod-eu-1-network.png",
            partial(network_diagram, 1),
            comments=(
                (
                    "priya",
                    "Workers also call the payments provider, through the egress proxy. Both "
                    "are missing, and for a security review that outbound path is the "
                    "interesting one.",
                ),
                (
                    "peter",
                    "For the review we'll need to show the data-residency boundary: everything "
                    "that holds customer data stays in the EU region. Could you shade it, and "
                    "make clear what sits outside (the CDN edge)?",
                ),
            ),
        ),
        VersionIdea(
            "prod-eu-1-network.png",
            partial(network_diagram, 2),
            change_note=(
                "Added the egress proxy and the payments provider (Priya) and shaded the EU "
                "data-residency boundary, with the CDN edge outside it (Peter)."
            ),
            comments=(
                (
                    "peter",
                    "That is what the auditors want to see. Thanks Ken.",
                ),
                (
                    "maria",
                    "Great. I'll link this from the onboarding checklist.",
                ),
            ),
        ),
    ),
)


# --- Support escalation policy (text, two versions, final) ---------------------------


def escalation_policy(version: int) -> bytes:
    s2_update = "Tier 1" if version >= 2 else "Tier 2"
    if version == 1:
        tiers = """
  Tier 1 (Support Specialists): triage, severity, known workarounds and how-to questions.
  Tier 2 (Senior Support): reproduces the problem, reads logs, and owns the customer
         updates for S1 and S2 tickets.
  Engineering (the owning team's on-call): fixes, hotfixes and the root cause.
"""
    else:
        tiers = """
  Tier 1 (Support Specialists): triage, severity, known workarounds and how-to questions.
         Tier 1 also sends the first customer update on S2 tickets, within the two hours.
  Tier 2 (Senior Support): reproduces the problem, reads logs, and owns the customer
         updates for S1 tickets and the later updates on S2 tickets.
  Engineering (the owning team's on-call): fixes, hotfixes and the root cause.
"""
    if version == 1:
        handoff = """
5. HAND-OFF TO ENGINEERING

  Open an escalation in the owning team's queue with the ticket link, the severity and a
  short summary of what was tried.
"""
    else:
        handoff = """
5. HAND-OFF TO ENGINEERING

  Open an escalation in the owning team's queue. An escalation without these is sent
  back, because engineering would have to ask for them first:

    - the ticket link and the severity
    - the customer's account id
    - the exact time window, with the time zone
    - a request id from the error message, or a HAR file from the browser
    - what was tried, and what happened

  For S1 tickets on strategic accounts, tell the account executive within the hour,
  before the customer does. The account list is pinned in the Support community.
"""
    text = f"""
NORTHWIND SUPPORT ESCALATION POLICY
Draft v{version} - owner: Carlos Mendes, Support Team Lead

1. PURPOSE

This policy says who handles a customer ticket at each stage, when it moves to the next
stage, and how fast we respond. It applies to every product and every support channel:
e-mail, in-app chat, and phone for Enterprise customers.

The goal is that no customer waits without an owner, and that engineering is pulled in
early for real problems, and not at all for questions the documentation answers.

2. SEVERITY LEVELS

  S1  Production down or data at risk for a customer; no workaround.
      First response: 30 minutes, 24/7. Updates every hour.
  S2  A major feature broken or badly degraded; the workaround is painful.
      First response: 2 business hours ({s2_update}). Updates twice a day.
  S3  A minor problem, or a question with a workaround.
      First response: 1 business day.
  S4  A feature request or feedback.
      First response: 3 business days.

3. TIERS
{tiers}
4. WHEN TO ESCALATE TO ENGINEERING

  - S1 tickets: at once, in parallel with tier 2.
  - S2 tickets that tier 2 cannot reproduce or work around within 4 hours.
  - Any suspected data loss or security issue, whatever the severity.
{handoff}
6. TALKING TO THE CUSTOMER

  The ticket's owner sends every update, even when there is no news: "we are still
  working on it, next update at 15:00" is an update. Never promise a fix date that
  engineering has not confirmed in the escalation.

7. REVIEW

  This policy is reviewed every six months by the Support leads, with engineering and
  sales, and after any S1 where it did not work.
"""
    return text.strip().encode() + b"\n"


ESCALATION_POLICY = DraftIdea(
    title="Support escalation policy: severities, tiers and response times",
    body=(
        "Updated escalation policy: when a ticket moves from tier 1 to tier 2 to engineering, "
        "and the response times we promise. @fatima, does tier 1 match what you really do "
        "today? @aisha @priya, please check the engineering hand-off."
    ),
    author="carlos",
    tags=("support", "customer-escalation", "process"),
    community=SUPPORT,
    final=True,
    versions=(
        VersionIdea(
            "support-escalation-policy.txt",
            partial(escalation_policy, 1),
            comments=(
                (
                    "fatima",
                    "Tier 1 sends the first update on S2 tickets today, not tier 2: by the "
                    "time tier 2 picks a ticket up, the two hours are often gone. Let's write "
                    "down what we actually do.",
                ),
                (
                    "aisha",
                    "Section 5 needs a minimum: the account id, the exact time window with the "
                    "time zone, and a request id or a HAR file. Half our escalations start "
                    "with us asking for exactly these, and that costs a day.",
                ),
                (
                    "daniel",
                    "For strategic accounts, please make sure the account executive hears "
                    "about any S1 within the hour. Finding out from the customer's CTO is no "
                    "fun.",
                ),
            ),
        ),
        VersionIdea(
            "support-escalation-policy.txt",
            partial(escalation_policy, 2),
            change_note=(
                "Tier 1 keeps the first S2 update (Fatima); added the minimum for an "
                "engineering hand-off (Aisha) and telling the account executive about S1s "
                "(Daniel)."
            ),
            comments=(
                (
                    "priya",
                    "The hand-off list is right. With a request id we find the trace in a "
                    "minute instead of an afternoon.",
                ),
                ("fatima", "Matches what we do. Thanks for writing it down!"),
            ),
        ),
    ),
)


# --- Project Falcon day-one checklist (Word, one version, private community) ---------


def falcon_checklist() -> bytes:
    return word(
        title="Project Falcon: day-one integration checklist",
        status="Strictly confidential · Draft v1 · Owner: Peter Novak, Legal",
        author="Peter Novak",
        version=1,
        sections=[
            (
                "Purpose",
                [
                    "This checklist lists what has to be true on the first day after Project "
                    "Falcon closes, and nothing more. Everything else belongs in the 100-day "
                    "integration plan, which we write once the deal is signed.",
                    "Keep this document inside the Project Falcon community. Do not forward "
                    "it, print it or store it on a personal device: until the announcement, "
                    "the deal is inside information for everyone on this list.",
                ],
            ),
            (
                "Legal",
                [
                    "- The acquired company stays a separate legal entity for at least twelve "
                    "months.",
                    "- Customer contracts are not assigned on day one; change-of-control "
                    "clauses are listed in the data room (tab 4.2).",
                    "- Data processing agreements: their sub-processor list is reviewed before "
                    "any customer data moves between the companies.",
                ],
            ),
            (
                "Finance",
                [
                    "- Bank signatories updated on the day of closing.",
                    "- Payroll moves to our provider on day one.",
                    "- Intercompany invoicing set up before the first month end.",
                ],
            ),
            (
                "People",
                [
                    "- Announcement sequence: their leadership, then both companies at once.",
                    "- A day-one all-hands, with an FAQ for managers.",
                    "- Retention letters signed before closing for the people named in schedule 3.",
                ],
            ),
            (
                "IT and security",
                [
                    "- SSO federation between the two companies on day one.",
                    "- Their staff keep their e-mail domain; both domains can reach each other.",
                    "- Their laptops must meet our device policy within 30 days.",
                ],
            ),
            (
                "Owners",
                [
                    Table(
                        ("Workstream", "Owner", "Day-one must-have", "Status"),
                        (
                            ("Legal", "Peter Novak", "Entity and contracts unchanged", "Ready"),
                            ("Finance", "Anna Kowalska", "Signatories, payroll", "Open"),
                            ("People", "Hannah Schmidt", "All-hands and FAQ", "Open"),
                            ("IT and security", "Aisha Rahman", "Accounts and SSO", "Open"),
                            ("Product", "Lucas Moreau", "No customer-visible change", "Ready"),
                        ),
                    )
                ],
            ),
        ],
    )


FALCON_CHECKLIST = DraftIdea(
    title="Project Falcon: day-one integration checklist",
    body=(
        "First pass at what has to be true on day one if Falcon closes. Confidential, like "
        "everything in this community. @hannah @anna, the people and finance sections are "
        "the least certain."
    ),
    author="peter",
    tags=("due-diligence", "integration", "legal"),
    community=FALCON,
    versions=(
        VersionIdea(
            "Falcon day-one checklist.docx",
            falcon_checklist,
            comments=(
                (
                    "anna",
                    "Finance: payroll can't move on day one, their provider needs a full "
                    "month's notice. Let's say *first full month after closing* and keep their "
                    "payroll running until then.",
                ),
                (
                    "hannah",
                    "People: the day-one all-hands should be joint with their CEO, and the FAQ "
                    "has to be ready the evening before. I'll draft it.",
                ),
                (
                    "aisha",
                    "IT: please don't plan SSO federation for day one. Keep the tenants "
                    "separate for 90 days and give their staff guest accounts on the intranet "
                    "and in chat meanwhile.",
                ),
                (
                    "lucas",
                    "Product: could you add that their search service keeps running as it is "
                    "for the first year, as we discussed? Then nobody starts a migration in "
                    "week one.",
                ),
            ),
        ),
    ),
)


# --- Sales battlecard (PowerPoint, two versions) -------------------------------------


def battlecard(version: int) -> bytes:
    if version == 1:
        price = Slide(
            "Objection: \u201cIt's too expensive\u201d",
            (
                "Offer 15% off for a two-year commitment",
                "Point out that the incumbent suite charges extra for search",
                "Offer a free pilot for one department",
            ),
            "Go to the discount early if the buyer is price-focused.",
        )
        support = Slide(
            "Our support promise",
            (
                "24/7 phone support on every plan",
                "Named customer success manager from 50 seats",
            ),
        )
    else:
        price = Slide(
            "Objection: \u201cIt's too expensive\u201d",
            (
                "Lead with time to value, not with the discount",
                "- Fabrikam was live in three weeks, without consultants",
                "- The incumbent suite charges extra for search",
                "Offer a pilot for one department, with success criteria agreed up front",
                "Keep the two-year discount for the final call",
            ),
            "Daniel's advice: a discount offered in the first meeting becomes the starting "
            "price. Sell the three weeks first.",
        )
        support = Slide(
            "Our support promise",
            (
                "Enterprise: 24/7 for S1 (production down), 30-minute first response",
                "All plans: business-hours support by e-mail and in-app chat",
                "Named customer success manager from 50 seats",
            ),
            "Checked with Carlos. Never promise 24/7 phone support outside Enterprise S1.",
        )
    deck = [
        Slide(
            "Who we meet in deals",
            (
                "Mid-size companies replacing a wiki plus a ticket queue",
                "Buyers: head of support, IT, sometimes HR",
                "Alternatives: the incumbent intranet suite, a home-grown wiki, doing nothing",
            ),
            "\u201cDoing nothing\u201d is the competitor we lose to most often.",
        ),
        Slide(
            "Where we win",
            (
                "Time to the first answer: questions answered by colleagues, in the open",
                "Search that finds answers, not just pages",
                "Works out of the box: no consultants, no six-month project",
            ),
        ),
        Slide(
            "Where we lose, and what to say",
            (
                "Deals decided on price alone",
                "Buyers who want full document management: partner with their DMS",
                "Heavily customised on-premise requirements",
            ),
        ),
        price,
        support,
        Slide(
            "Proof points",
            (
                "Fabrikam: live in three weeks",
                "Tailspin Toys: 40% fewer repeated support tickets after six months",
                "Contoso: 1,200 weekly active people out of 1,500",
            ),
            "Ask the customer for permission before naming them outside these three.",
        ),
    ]
    return slides(
        title="Compass: competitive battlecard",
        subtitle=f"Sales kick-off · draft v{version}",
        author="Emma Johansson",
        version=version,
        deck=deck,
    )


BATTLECARD = DraftIdea(
    title="Compass battlecard for the sales kick-off",
    body=(
        "Draft battlecard for the kick-off in two weeks. Does the objection handling sound "
        "like what you hear on calls? @daniel @noah, and @carlos for the support promises."
    ),
    author="emma",
    tags=("sales", "competitive", "enablement", "pricing"),
    community=SALES,
    versions=(
        VersionIdea(
            "Compass battlecard.pptx",
            partial(battlecard, 1),
            comments=(
                (
                    "daniel",
                    "On *too expensive*: don't open with the discount. Lead with time to "
                    "value (Fabrikam was live in three weeks) and keep the discount for the "
                    "last call.",
                ),
                (
                    "carlos",
                    "Please don't promise 24/7 phone support on every plan: it's 24/7 for S1 "
                    "on Enterprise only, business hours otherwise. We'd break that promise in "
                    "the first week.",
                ),
            ),
        ),
        VersionIdea(
            "Compass battlecard.pptx",
            partial(battlecard, 2),
            change_note=(
                "Reworked the price objection around time to value (Daniel) and corrected the "
                "support promise (Carlos)."
            ),
            comments=(
                (
                    "grace",
                    "Can I reuse the *Where we win* slide for next month's webinar? I'll "
                    "credit the team.",
                ),
                (
                    "noah",
                    "Looks great. The Tailspin Toys number would make a good case-study "
                    "headline too.",
                ),
            ),
        ),
    ),
)


DRAFTS = [
    ONBOARDING,
    SIGNING_RUNBOOK,
    ARCHITECTURE_DECK,
    POSTMORTEM_TEMPLATE,
    API_STYLE_GUIDE,
    NETWORK_DIAGRAM,
    ESCALATION_POLICY,
    FALCON_CHECKLIST,
    BATTLECARD,
]
