"""Platform attention: how fast reactions come on each platform.

The SEISMIC kernel was measured on Twitter/X; other platforms stretch its time scale by the
ratio of their attention half-life to X's (Graffius 2018/2022 grey literature: X ~20-25 min,
Facebook ~30-90 min, Instagram ~19 h, LinkedIn ~24 h, YouTube ~6 days). TikTok and news
sites have no sourced figure: the scales below for them are our assumption, marked so.
"""

from __future__ import annotations

#: Multiplier on the kernel's time scale (X = 1). Ordered X < Facebook < Instagram < LinkedIn.
DECAY_SCALE: dict[str, float] = {
    "x": 1.0,  # half-life ~22 min
    "facebook": 2.7,  # ~60 min
    "tiktok": 6.0,  # assumption: no sourced half-life
    "news": 4.0,  # assumption: articles are shared for a few hours
    "instagram": 52.0,  # ~19 h
    "linkedin": 65.0,  # ~24 h
    "youtube": 390.0,  # ~6 days
}

#: The language a locale's generated feed is written in. French scenarios (imported exercise
#: scripts) keep their scripted texts in French; the generated background is English.
LANGUAGE = {"en_US": "en", "en_GB": "en", "sv_SE": "sv", "fr_FR": "en"}
