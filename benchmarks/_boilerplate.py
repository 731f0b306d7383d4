"""Web-page furniture generators for the cleaning benchmark (all text written for newsbrief).

Each generator takes a ``random.Random`` and returns a block of lines of one kind of
furniture. The kinds are split in two banks: ``DEV`` was looked at while the
cleaner was developed; ``HELD_OUT`` was written alongside it but only measured,
never used to tune, so the gap between the two is an honest estimate of how the
rules generalize to furniture nobody tuned them on.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Generator = Callable[[random.Random], list[str]]

_SECTIONS = [
    "Home",
    "News",
    "World",
    "US",
    "Politics",
    "Business",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Entertainment",
    "Opinion",
    "Style",
    "Travel",
    "Video",
    "Weather",
    "Local",
    "Money",
    "Lifestyle",
    "Culture",
    "Markets",
    "Education",
    "Crime",
    "Obituaries",
]
_NAMES = [
    "Jane Porter",
    "Luis Ortega",
    "Amara Okafor",
    "Chen Wei",
    "Sofia Lindqvist",
    "Tom Becker",
    "Priya Raman",
    "Daniel Kowalski",
    "Hannah Moore",
    "Omar Haddad",
    "Grace Nakamura",
]
_OUTLETS = [
    "The Daily Ledger",
    "Metro Courier",
    "Northern Star",
    "Capital Wire",
    "Valley Tribune",
    "Harbor Gazette",
    "Evening Sentinel",
    "Coastal Observer",
]
_HEADLINE_WORDS = [
    "mayor",
    "council",
    "storm",
    "election",
    "market",
    "school",
    "police",
    "river",
    "team",
    "court",
    "budget",
    "festival",
    "airport",
    "hospital",
    "senator",
    "coach",
    "museum",
    "factory",
    "strike",
    "drought",
    "vaccine",
    "bridge",
    "rally",
    "merger",
    "trial",
]
_VERBS = [
    "unveils",
    "rejects",
    "backs",
    "warns over",
    "faces",
    "plans",
    "delays",
    "wins",
    "loses",
    "questions",
    "cuts",
    "opens",
    "closes",
    "probes",
    "approves",
]
_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct."]


def _headline(rng: random.Random) -> str:
    a, b = rng.sample(_HEADLINE_WORDS, 2)
    tail = rng.choice(["", " after vote", " amid protests", " in surprise move", " for 2015", ""])
    return f"{a.capitalize()} {rng.choice(_VERBS)} {b} plan{tail}"


def _date(rng: random.Random) -> str:
    return f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2009, 2017)}"


def _time(rng: random.Random) -> str:
    return (
        f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} {rng.choice(['a.m.', 'p.m.', 'AM', 'PM'])}"
    )


# --- DEV bank ---


def nav_menu(rng: random.Random) -> list[str]:
    items = rng.sample(_SECTIONS, rng.randint(4, 9))
    separator = rng.choice([" | ", " · ", "  ", " / ", " • "])
    if rng.random() < 0.3:
        return items  # one item per line
    return [separator.join(items)]


def share_bar(rng: random.Random) -> list[str]:
    options = [
        ["Share", "Tweet", "Email", "Print"],
        ["Share on Facebook", "Share on Twitter", "Share via Email"],
        ["Facebook", "Twitter", "LinkedIn", "WhatsApp", "Email"],
        [f"Share this article {rng.randint(12, 900)} shares"],
        ["Share this story"],
    ]
    lines = rng.choice(options)
    return [" ".join(lines)] if rng.random() < 0.5 else list(lines)


def comment_prompt(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            [
                f"{rng.randint(2, 480)} Comments",
                "Leave a comment",
                "Comments",
                "Post a comment",
                "Join the conversation",
                f"View {rng.randint(2, 80)} comments",
                "Be the first to comment",
                "Your email address will not be published. Required fields are marked *",
            ]
        )
    ]


def byline(rng: random.Random) -> list[str]:
    name = rng.choice(_NAMES)
    return [
        rng.choice(
            [
                f"By {name}",
                f"By {name.upper()}",
                f"{name}, Staff Writer",
                f"By {name} and {rng.choice(_NAMES)}",
                f"Posted by {name}",
                f"{name} | {rng.choice(_OUTLETS)}",
            ]
        )
    ]


def dateline_stamp(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            [
                f"Published {_date(rng)}",
                f"Updated {_time(rng)} ET, {_date(rng)}",
                f"{_date(rng)} {_time(rng)}",
                f"Posted: {_date(rng)}",
                f"Last updated: {_date(rng)} at {_time(rng)}",
            ]
        )
    ]


def cookie_notice(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            [
                "We use cookies to ensure you get the best experience on our website. "
                "By continuing to browse, you agree to our use of cookies.",
                "This site uses cookies. Find out more about cookies and how to manage them.",
                "We use cookies and similar technologies to personalise content and ads. Accept all cookies",
                "By using this site you consent to the use of cookies in accordance with our cookie policy.",
            ]
        )
    ] + (["Accept", "Manage settings"] if rng.random() < 0.4 else [])


def related_list(rng: random.Random) -> list[str]:
    head = rng.choice(
        ["Related", "Related Stories", "More from News", "You may also like", "Related Coverage"]
    )
    return [head] + [_headline(rng) for _ in range(rng.randint(2, 5))]


def advertisement(rng: random.Random) -> list[str]:
    return [
        rng.choice(["Advertisement", "ADVERTISEMENT", "Sponsored Content", "Advertisements", "Ad"])
    ]


def teaser_list(rng: random.Random) -> list[str]:
    return [
        f"{_headline(rng)}{rng.choice(['...', '…', ' [...]', ''])}"
        for _ in range(rng.randint(2, 4))
    ]


def photo_caption(rng: random.Random) -> list[str]:
    name = rng.choice(_NAMES)
    return [
        rng.choice(
            [
                f"(Photo: {name}/{rng.choice(['AP', 'Getty Images', 'Reuters'])})",
                f"Photo: {name}",
                f"Image caption {_headline(rng)}",
                f"AP Photo/{name}",
                "(Getty Images)",
            ]
        )
    ]


# --- HELD-OUT bank (never used to tune) ---


def newsletter_signup(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            [
                "Sign up for our newsletter",
                "Get the latest headlines delivered to your inbox every morning. Sign up now",
                "Subscribe to our daily briefing",
                "Enter your email address",
                "Never miss a story: get our free newsletter",
            ]
        )
    ] + (["Subscribe"] if rng.random() < 0.5 else [])


def breadcrumb(rng: random.Random) -> list[str]:
    items = rng.sample(_SECTIONS, rng.randint(2, 4))
    return [rng.choice([" > ", " » ", " / "]).join(items)]


def tag_list(rng: random.Random) -> list[str]:
    tags = rng.sample(_HEADLINE_WORDS, rng.randint(2, 6))
    return [rng.choice(["Tags: ", "Topics: ", "Filed under: ", "More on: "]) + ", ".join(tags)]


def author_bio(rng: random.Random) -> list[str]:
    name = rng.choice(_NAMES)
    return [
        rng.choice(
            [
                f"{name} is a staff writer covering city hall. Follow {name.split()[0]} on Twitter",
                f"Contact {name} at {name.split()[0].lower()}@example.com",
                f"Follow {name} on Twitter @{name.split()[0].lower()}{rng.randint(1, 99)}",
                f"More articles by {name}",
            ]
        )
    ]


def copyright_footer(rng: random.Random) -> list[str]:
    outlet = rng.choice(_OUTLETS)
    year = rng.randint(2009, 2017)
    return rng.choice(
        [
            [f"© {year} {outlet}. All rights reserved."],
            [f"Copyright {year} {outlet}", "Privacy Policy | Terms of Service | Contact Us"],
            ["About Us", "Contact", "Careers", "Advertise", "Privacy Policy"],
            [
                f"This material may not be published, broadcast, rewritten or redistributed. © {year}"
            ],
        ]
    )


def gallery_marker(rng: random.Random) -> list[str]:
    n = rng.randint(5, 30)
    return [
        rng.choice(
            [
                f"Image {rng.randint(1, n)} of {n}",
                f"View gallery ({n} photos)",
                "Play Video",
                f"Watch: {_headline(rng)}",
                "Loading video...",
                f"{rng.randint(1, 9)}:{rng.randint(10, 59)}",
            ]
        )
    ]


def most_popular(rng: random.Random) -> list[str]:
    head = rng.choice(
        ["Most Popular", "Trending Now", "Most Read", "Top Stories", "Editor's Picks"]
    )
    items = [
        f"{i}. {_headline(rng)}" if rng.random() < 0.5 else _headline(rng)
        for i in range(1, rng.randint(3, 6))
    ]
    return [head, *items]


def continue_prompt(rng: random.Random) -> list[str]:
    return [
        rng.choice(
            [
                "Continue reading below",
                "Story continues below advertisement",
                "Click here to read the full story",
                f"This article originally appeared on {rng.choice(_OUTLETS)}.",
                "Read the full story here",
                "Scroll down for video",
                "Please enable JavaScript to view the comments",
            ]
        )
    ]


DEV: dict[str, Generator] = {
    "nav menu": nav_menu,
    "share bar": share_bar,
    "comment prompt": comment_prompt,
    "byline": byline,
    "date stamp": dateline_stamp,
    "cookie notice": cookie_notice,
    "related list": related_list,
    "advertisement": advertisement,
    "teaser list": teaser_list,
    "photo caption": photo_caption,
}
HELD_OUT: dict[str, Generator] = {
    "newsletter signup": newsletter_signup,
    "breadcrumb": breadcrumb,
    "tag list": tag_list,
    "author bio": author_bio,
    "copyright footer": copyright_footer,
    "gallery/video marker": gallery_marker,
    "most popular list": most_popular,
    "continue prompt": continue_prompt,
}

#: Where each kind usually sits on a page: "top", "middle" or "bottom".
POSITIONS: dict[str, tuple[str, ...]] = {
    "nav menu": ("top",),
    "breadcrumb": ("top",),
    "byline": ("top",),
    "date stamp": ("top",),
    "cookie notice": ("top", "bottom"),
    "share bar": ("top", "bottom"),
    "advertisement": ("middle",),
    "photo caption": ("top", "middle"),
    "teaser list": ("middle", "bottom"),
    "related list": ("middle", "bottom"),
    "gallery/video marker": ("top", "middle"),
    "continue prompt": ("middle",),
    "comment prompt": ("bottom",),
    "newsletter signup": ("middle", "bottom"),
    "tag list": ("bottom",),
    "author bio": ("bottom",),
    "copyright footer": ("bottom",),
    "most popular list": ("bottom",),
}
