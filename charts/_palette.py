"""The story's colours, shared by the timeline and the map so that a colour means the same
party in both: NATO, France and China, Japan and its AP4 partners.

Each actor's colour has at least 3:1 contrast against the white chart background (WCAG's
figure for graphics). The map adds Sweden, an applicant in July 2023, in a pale fill with a
black outline: both at least 3:1 against the NATO blue of its neighbours, Norway and Finland.
"""

from __future__ import annotations

# actor id, name in legends and tables, colour, timeline symbol
ACTORS = [
    ("nato", "NATO", "#1F5F9E", "circle"),
    ("france-china", "France and China", "#D55E00", "square"),
    ("japan-ap4", "Japan and the AP4", "#007A5A", "diamond"),
]
COLOUR = {actor: colour for actor, _, colour, _ in ACTORS}
NAME = {actor: name for actor, name, _, _ in ACTORS}

APPLICANT_FILL = "#F0E442"
APPLICANT_OUTLINE = "#000000"
OTHER_FILL = "#E8E8E8"
OTHER_OUTLINE = "#8C8C8C"
