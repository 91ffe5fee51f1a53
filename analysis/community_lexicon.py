"""Words of community chat and operations that VADER's lexicon lacks, with a valence on
VADER's own scale (-4 extremely negative .. +4 extremely positive).

Each value is set beside VADER's own neighbours, never above them: an inflection takes its
stem's value (crashed = crash -1.7, scammer = scam -2.7), a new word the value of the
nearest VADER word in meaning (outage and downtime near failure -2.3 and delay -1.3;
unusable near broken -2.1). Only words VADER does not have are added, so no VADER value
changes. Words whose everyday sense is not the community one were left out ("fixed"
income, tax "refunds") or kept mild; `bench/sentiment.py` shows that VADER's human-rated
sets correlate no worse with them (docs/performance.md).
"""

from __future__ import annotations

COMMUNITY_LEXICON: dict[str, float] = {
    # services down or slow (failure -2.3, delay -1.3, lag -1.4, stuck -1.0)
    "outage": -1.8,
    "outages": -1.8,
    "downtime": -1.6,
    "laggy": -1.5,
    "unresponsive": -1.6,
    "timeout": -1.0,
    "timeouts": -1.0,
    "frozen": -0.6,  # also frozen food: mild
    # software that fails (crash -1.7, error -1.7, broken -2.1)
    "crashed": -1.7,
    "crashes": -1.7,
    "crashing": -1.7,
    "buggy": -1.0,  # also a horse-drawn buggy: mild
    "glitch": -1.2,
    "glitches": -1.2,
    "glitchy": -1.4,
    "unusable": -2.2,
    "unplayable": -2.2,
    "bricked": -2.3,
    # abuse and safety (scam -2.7, hacked -1.7, spammer -2.2)
    "scammed": -2.7,
    "scammer": -2.7,
    "scammers": -2.7,
    "phishing": -2.3,
    "ddos": -2.0,
    "toxic": -2.3,
    # money back, asked for in complaints (mild: a refund can be thanked for; "refunds"
    # and "refunded" are left out: tax refunds, "I was refunded" are not complaints)
    "refund": -0.8,
    # chat slang (suspicious -1.5, lmao +2.9, cool +1.3)
    "cringe": -1.5,
    "sus": -0.8,
    "nerfed": -0.8,
    "rip": -1.2,
    "pog": 1.9,
    "poggers": 1.9,
}
