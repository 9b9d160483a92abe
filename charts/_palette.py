"""The story's colours, shared by the timeline and the map so that a colour means the same
party in both: NATO, France and China, Japan and its AP4 partners.

Each actor's colour has at least 3:1 contrast (WCAG's figure for graphics) against both
the light page (#fdfcf8) and the dark one (#161615): NATO 5.2 and 3.4, France and China
4.5 and 3.9, Japan and the AP4 5.2 and 3.4. The map adds Sweden, an applicant in July 2023,
in a pale fill with a near-black outline: 4.1:1 and 3.5:1 against the NATO blue of its
neighbours, Norway and Finland.
"""

from __future__ import annotations

# actor id, name in legends and tables, colour, timeline symbol
ACTORS = [
    ("nato", "NATO", "#2A6DB0", "circle"),
    ("france-china", "France and China", "#C4520A", "square"),
    ("japan-ap4", "Japan and the AP4", "#007A5A", "diamond"),
]
COLOUR = {actor: colour for actor, _, colour, _ in ACTORS}
NAME = {actor: name for actor, name, _, _ in ACTORS}

APPLICANT_FILL = "#F0E442"
APPLICANT_OUTLINE = "#111111"
OTHER_FILL = "var(--neutral, #dcd9d0)"  # the page's token for "everything else"
OTHER_OUTLINE = "var(--axis, #767676)"
