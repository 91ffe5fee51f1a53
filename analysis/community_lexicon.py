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
    "disconnected": -1.1,  # dropped from a game or call (lagging -1.1, lag -1.4)
    "disconnects": -1.1,
    "disconnecting": -1.1,
    "bugged": -1.0,  # as buggy (also "it bugged me": annoyed, as negative)
    # worthless things, said of a product (crap -1.6, worthless -1.9, useless -1.8)
    "garbage": -1.6,
    "trash": -1.5,  # also the bin: a little milder
    "rubbish": -1.6,
    "junk": -1.2,  # also junk mail: mild
    # abuse and safety (scam -2.7, hacked -1.7, spammer -2.2)
    "hacker": -1.7,
    "hackers": -1.7,
    "exploiters": -1.9,  # exploiting -1.9
    "ripoff": -2.0,  # near scam -2.7 and greedy -1.3
    "overpriced": -1.3,  # greedy -1.3
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
