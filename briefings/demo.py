"""Invented demo content (``manage.py seed_demo`` loads it): fictional outlets and events,
written for this project."""

TOPICS = [
    ("Climate", "climate", "Weather, energy and how places adapt."),
    ("Technology", "technology", "Software, networks and the rules around them."),
    ("Cities", "cities", "Transport, housing and local government."),
]

OUTLETS = [
    ("Harbor Ledger", "harbor-ledger", "https://harborledger.example/", "A coastal daily."),
    (
        "Northfield Tribune",
        "northfield-tribune",
        "https://northfield-tribune.example/",
        "A regional paper covering the northern valleys.",
    ),
    (
        "Civic Data Weekly",
        "civic-data-weekly",
        "https://civicdata.example/",
        "A newsletter that reads public data sets.",
    ),
]

AI_TOOL = "Draftwell (our in-house summarising model)"
AI_NOTE = (
    "<p>The model's first draft of the takeaways was rewritten by the writer, and every figure "
    "was checked against the source and the public records listed below.</p>"
)

BRIEFINGS = [
    {
        "slug": "tidal-barrier-trial-closes-early",
        "headline": "Port city ends its tidal barrier trial a month early",
        "dek": "Engineers stopped the test after the barrier's gates jammed twice during spring "
        "tides. The city says the main project is not in doubt.",
        "topic": "climate",
        "outlet": "harbor-ledger",
        "work_type": "news",
        "takeaways": [
            "The six-month trial of a moveable tidal gate ended after five months.",
            "Two gates failed to close fully during the highest spring tides.",
            "The council says the full barrier will still go to tender next year.",
        ],
        "sections": [
            "<p>The city's engineering office halted a trial of a single moveable gate at the "
            "mouth of the old harbour after it failed to seal on two nights in a row.</p>",
            "<p>The trial was meant to show that a full barrier of twelve gates could protect "
            "the low-lying east quarter. A failure at the test stage raises questions about "
            "cost and timing that residents will want answered.</p>",
            "<p>An independent review of the gate's hinges is due within eight weeks. Watch "
            "whether the council changes the tender's technical requirements.</p>",
        ],
        "qa": [
            (
                "Is anyone at risk now?",
                "<p>No. The old sea wall is unchanged and the trial gate "
                "was never the only defence.</p>",
            ),
            (
                "Who pays for the review?",
                "<p>The supplier, under the trial contract, according "
                "to the council's published summary.</p>",
            ),
        ],
        "ai": True,
        "image": True,
    },
    {
        "slug": "valley-rail-line-gets-night-service",
        "headline": "Valley rail line adds a late-night service on weekends",
        "dek": "Trains will run until 1 a.m. on Fridays and Saturdays from next month, after a "
        "year-long campaign by shift workers.",
        "topic": "cities",
        "outlet": "northfield-tribune",
        "work_type": "news",
        "takeaways": [
            "Two extra trains each way will run on Friday and Saturday nights.",
            "The operator will review passenger numbers after six months.",
            "Hospital and warehouse staff led the push for the change.",
        ],
        "sections": [
            "<p>The regional operator confirmed a trial of late trains on the valley line, "
            "with the last departure from the city centre at five to one.</p>",
            "<p>Until now the last train left before eleven, leaving people on late shifts "
            "with long taxi rides or none at all.</p>",
            "<p>Whether the trial becomes permanent depends on ridership; the operator has "
            "not said what number it needs to see.</p>",
        ],
    },
    {
        "slug": "open-data-portal-drops-inspection-records",
        "headline": "What the city's missing food inspection data means for diners",
        "dek": "Three years of restaurant inspection results have vanished from the city's open "
        "data portal. Officials blame a software migration.",
        "topic": "technology",
        "outlet": "civic-data-weekly",
        "work_type": "explainer",
        "takeaways": [
            "Inspection results from the last three years no longer download from the portal.",
            "The city says the records still exist and will return after a migration.",
            "Paper notices in restaurant windows are unaffected.",
            "No date has been given for the data's return.",
        ],
        "sections": [
            "<p>A weekly check of the portal's catalogue found that the inspection data set now "
            "holds only records older than three years.</p>",
            "<p>Journalists, app makers and diners use the data to see which kitchens passed "
            "and which were told to improve. Gaps make it harder to spot patterns.</p>",
            "<p>We will check the portal again next week and update this briefing if the "
            "records return.</p>",
        ],
        "qa": [
            (
                "Can I still see a restaurant's grade?",
                "<p>Yes. Grades must still be displayed "
                "at the entrance, and the city answers requests by email.</p>",
            ),
        ],
        "ai": True,
    },
    {
        "slug": "heat-pump-grants-reopen",
        "headline": "Regional heat pump grants reopen with a lower cap",
        "dek": "The grant scheme is back after a pause, but households can now claim at most "
        "half of what they could last winter.",
        "topic": "climate",
        "outlet": "northfield-tribune",
        "work_type": "analysis",
        "takeaways": [
            "Applications reopen on the first of the month.",
            "The maximum grant falls by half, to help the budget last the year.",
            "Installers expect demand to stay high in colder districts.",
        ],
        "sections": [
            "<p>The region's energy office reopened applications for its heat pump grant "
            "with a smaller maximum award and a simpler form.</p>",
            "<p>A lower cap spreads the money across more homes, but it may put the upgrade "
            "out of reach for larger, older houses that need the biggest units.</p>",
            "<p>Watch the monthly application figures, which the office has promised to "
            "publish.</p>",
        ],
    },
    {
        "slug": "library-network-outage",
        "headline": "Library computers back online after a four-day outage",
        "dek": "Public computers across the library network were down for four days after a "
        "failed update. Staff say no personal data was exposed.",
        "topic": "technology",
        "outlet": "harbor-ledger",
        "work_type": "news",
        "takeaways": [
            "All branches had their public computers restored by Thursday.",
            "A faulty update, not an attack, caused the outage.",
            "The library says no borrower data was affected.",
        ],
        "sections": [
            "<p>Public computers in every branch stopped working on Monday morning and came "
            "back in stages over four days.</p>",
            "<p>For many residents the library is the only place to print forms or apply for "
            "jobs online, so the outage landed hardest on people without home internet.</p>",
            "<p>The library has promised a written account of what went wrong; we will read "
            "it when it is published.</p>",
        ],
    },
    {
        "slug": "bike-lane-count-rises",
        "headline": "Bike counts on the river path rise for a third year",
        "dek": "Automatic counters recorded more cyclists on the river path than in any year "
        "since they were installed, with the biggest jump in winter.",
        "topic": "cities",
        "outlet": "civic-data-weekly",
        "work_type": "analysis",
        "takeaways": [
            "Counters logged about a tenth more trips than the previous year.",
            "Winter months grew fastest, after new lighting was installed.",
            "The city plans to add counters on two more routes.",
        ],
        "sections": [
            "<p>The city's published counter data shows steady growth on the river path "
            "across all seasons.</p>",
            "<p>Growth in the darkest months suggests lighting matters as much as the lanes "
            "themselves, a point the council's transport plan does not yet make.</p>",
            "<p>Next year's data from the two new counters will show whether the pattern "
            "holds beyond the river.</p>",
        ],
    },
]

DRAFT = {
    "slug": "ferry-timetable-review",
    "headline": "Ferry operator reviews its winter timetable",
    "dek": "A draft on the ferry timetable consultation, not yet reviewed.",
    "topic": "cities",
    "takeaways": ["The consultation closes at the end of the month."],
}

STANDARDS_SUMMARY = (
    "Most briefings start from a story another outlet reported first: we name that outlet and "
    "link to the original, add context in our own words, and an editor reviews every briefing "
    "before it is published. When we get something wrong we say so on the page."
)

STANDARDS_BODY = """
<h2 id="method">How a briefing is made</h2>
<p>Our writers watch feeds from outlets we trust, pick items worth explaining, and write a
short briefing: what happened, why it matters, and what to watch next. A briefing that began
from another outlet's story names that outlet and links to the original; one that rounds up
several outlets lists them all; our own reporting says so. Every briefing's "How we report" box
says which of these it is, and credits who wrote, edited and approved it. No briefing is
published until an editor has approved it.</p>
<h2 id="verification">Verification</h2>
<p>We check every figure and quote against the original source, and against a second source
where one exists. If we cannot verify a claim, we attribute it or leave it out. Every further
source we relied on is listed, with a link, at the foot of the briefing.</p>
<h2 id="ethics">Ethics</h2>
<p>Writers declare conflicts of interest to their editor. We do not accept gifts from the
people we write about. Sponsored briefings are labelled as such at the top of the page.</p>
<h2 id="ai">Use of AI tools</h2>
<p>We sometimes use AI tools for summaries, first drafts of takeaways, translation or images. A
person always rewrites and checks the result, and every briefing that used AI assistance says
so in its editor's note: the tool, what it did and the person who checked its work. An image
made or edited with AI says so in its credit line ("Image source: …"), and the image file
itself carries the same label for anyone who copies it.</p>
<h2 id="unnamed-sources">Unnamed sources</h2>
<p>We rarely rely on unnamed sources, and never for a briefing's main claim. When we do, we
say why the source was not named.</p>
<h2 id="corrections">Corrections</h2>
<p>Corrections fix facts; clarifications fix wording that could mislead; updates add new
information. Each is a dated note on the briefing, flagged under its byline, and appears in our
public corrections log. We fix typing errors without a note. Every version readers saw stays
public in the briefing's version history, with what changed between any two.</p>
<h2 id="withdrawals">Withdrawals</h2>
<p>We withdraw a briefing only when it cannot be put right by a correction: when its source
retracts the report it began from, or when it turns out to rest on a claim we cannot stand
behind. Its address then says that it was withdrawn, when and why, and the withdrawal is listed
in the corrections log. We never delete a briefing silently.</p>
<h2 id="ownership">Ownership and funding</h2>
<p>This is a demonstration publication. It has no owners, advertisers or sponsors.</p>
"""

# Briefings that show every step of the workflow. Invented, like everything above.
SCHOOL_ROOF_REQUEST = (
    "Good start. Two things before this can go out: the second takeaway gives a cost the "
    "source does not mention, so either cite where it comes from or drop it; and 'Why it "
    "matters' should say which schools are next in line."
)

WORKFLOW_BRIEFINGS = [
    {
        "state": "in_review",
        "slug": "harbour-ferry-fares-frozen",
        "headline": "Harbour ferry fares frozen for another year",
        "dek": "The ferry company will keep single fares at last year's price until next "
        "spring, after a council subsidy was renewed.",
        "topic": "cities",
        "outlet": "harbor-ledger",
        "work_type": "news",
        "takeaways": [
            "Single and return fares stay the same until next spring.",
            "The council renewed a yearly subsidy that covers the fuel price rise.",
            "Season tickets for students go down slightly.",
        ],
        "sections": [
            "<p>The harbour ferry company confirmed that fares will not rise this year, after "
            "the council agreed to renew its running subsidy.</p>",
            "<p>For people who cross the harbour to work every day, a frozen fare is worth "
            "more than a small cut elsewhere, because the ferry has no cheaper alternative.</p>",
            "<p>The subsidy is agreed one year at a time. Watch the council's spring budget "
            "for whether it continues.</p>",
        ],
    },
    {
        "state": "changes_requested",
        "slug": "school-roofs-get-solar-panels",
        "headline": "Three schools get solar panels on their roofs this summer",
        "dek": "The district will fit solar panels on three school roofs during the summer "
        "break, the first part of a plan to cover every school by the end of the decade.",
        "topic": "climate",
        "outlet": "northfield-tribune",
        "work_type": "explainer",
        "takeaways": [
            "Three primary schools get panels while pupils are on holiday.",
            "Each installation will cost roughly as much as a new minibus.",
            "The district wants every school covered within the decade.",
        ],
        "sections": [
            "<p>The school district announced that work on the first three solar roofs will "
            "start the day after term ends.</p>",
            "<p>Schools use most of their electricity in daylight, which makes them a good "
            "match for solar panels.</p>",
            "<p>The district will publish a list of the next schools after the summer.</p>",
        ],
    },
    {
        "state": "scheduled",
        "slug": "river-festival-road-closures",
        "headline": "River festival closes the embankment road for a weekend",
        "dek": "The embankment road will close to traffic from Friday evening to Monday "
        "morning for the river festival, with buses diverted over the north bridge.",
        "topic": "cities",
        "outlet": "harbor-ledger",
        "work_type": "news",
        "takeaways": [
            "The embankment road closes from Friday 7 p.m. to Monday 6 a.m.",
            "Buses on the river routes cross by the north bridge instead.",
            "Residents' parking permits remain valid in the side streets.",
        ],
        "sections": [
            "<p>Organisers of the river festival have confirmed the road closure with the "
            "council's traffic office.</p>",
            "<p>The embankment is the main route between the two halves of the old town, so "
            "expect longer journeys across the river all weekend.</p>",
            "<p>The traffic office will post live updates on its travel page during the "
            "festival.</p>",
        ],
    },
    {
        "state": "published_with_changes",
        "slug": "tram-depot-planning-approved",
        "headline": "Planners approve a new tram depot on the old goods yard",
        "dek": "The planning committee approved a depot for the city's new trams on the "
        "disused goods yard, with conditions on noise at night.",
        "topic": "cities",
        "outlet": "civic-data-weekly",
        "work_type": "news",
        "takeaways": [
            "The depot will hold up to forty trams.",
            "Night-time testing is limited to two hours after midnight.",
            "Construction is expected to take two years.",
        ],
        "sections": [
            "<p>The planning committee voted to approve the depot after a three-hour meeting.</p>",
            "<p>Without a depot, the new tram line cannot open: the trams need somewhere to "
            "be stored and repaired.</p>",
            "<p>Neighbours can still ask for a review of the noise conditions within six "
            "weeks.</p>",
        ],
        "edited_dek": "The planning committee approved a depot for the city's new trams on the "
        "disused goods yard, with conditions on noise at night and on lorry traffic.",
        "edited_takeaway": "Night-time testing is limited to two hours after midnight, and "
        "lorries may not use the residential side street.",
    },
    {
        "state": "withdrawn",
        "slug": "water-meter-rollout-paused",
        "headline": "Water company pauses its smart meter rollout",
        "dek": "The regional water company has paused fitting smart meters after a batch "
        "reported readings ten times too high.",
        "topic": "technology",
        "outlet": "northfield-tribune",
        "work_type": "news",
        "takeaways": [
            "Fitting of new meters is paused across the region.",
            "One batch of meters reported readings ten times too high.",
            "Customers with affected meters will be billed on estimates.",
        ],
        "sections": [
            "<p>The water company stopped installing smart meters on Tuesday.</p>",
            "<p>Inflated readings could have led to very large bills.</p>",
            "<p>The company says it will announce a new timetable next month.</p>",
        ],
        "withdrawn_reason": "The source report was itself withdrawn by its outlet after the "
        "water company showed the faulty readings came from a test system, not from "
        "customers' homes. We could not confirm the pause independently.",
    },
]

# A mistake a briefing's first version made, fixed in its second version alongside the
# correction that says so (right words, wrong words): the demo's version history has a diff.
# A follow-up of a published demo briefing, started and published through the workflow, so
# the demo shows a story thread: "This follows ..." on it, "Follow-ups" on the original.
FOLLOW_UP = {
    "follows": "valley-rail-line-gets-night-service",
    "slug": "valley-night-trains-first-month",
    "headline": "Valley night trains carry more riders than expected in their first month",
    "dek": "The operator counted about four hundred passengers a weekend on the late trains, "
    "and says the trial will run its full six months before any decision.",
    "takeaways": [
        "Around four hundred people a weekend used the two late trains each way.",
        "The last train from the city centre was the busiest of the four.",
        "The operator still plans to decide only at the end of the six-month trial.",
    ],
    "sections": [
        "<p>A month into the trial, the operator published its first count of riders on the "
        "valley line's new Friday and Saturday night trains.</p>",
        "<p>The numbers are early and a month includes two payday weekends, but they are "
        "the first sign of whether late workers changed how they travel home.</p>",
        "<p>The operator will publish counts every month; the decision on keeping the trains "
        "is due when the trial ends.</p>",
    ],
}

FIXED_MISTAKES = {"open-data-portal-drops-inspection-records": ("three years", "five years")}


def as_first_published(spec: dict) -> dict:
    """``spec`` as its first version went out, with its mistake (if it made one)."""
    if spec["slug"] not in FIXED_MISTAKES:
        return spec
    right, wrong = FIXED_MISTAKES[spec["slug"]]

    def mistaken(text: str) -> str:
        return text.replace(right, wrong).replace(right.capitalize(), wrong.capitalize())

    return {
        **spec,
        "dek": mistaken(spec["dek"]),
        "takeaways": [mistaken(text) for text in spec["takeaways"]],
        "sections": [mistaken(text) for text in spec["sections"]],
    }


CORRECTIONS = {
    "open-data-portal-drops-inspection-records": [
        (
            "correction",
            "<p>An earlier version said five years of records were missing. The portal is "
            "missing three years of records.</p>",
        ),
        (
            "update",
            "<p>The city now says the records will return by the end of the quarter.</p>",
        ),
    ],
    "valley-rail-line-gets-night-service": [
        (
            "clarification",
            "<p>We have made clear that the late trains run on Fridays and Saturdays only, "
            "not every night of the weekend.</p>",
        ),
    ],
}
