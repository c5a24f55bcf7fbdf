#!/usr/bin/env python3
"""Deterministic generator of large, realistic policy inputs for policyc benchmarks and tests.

Real policies are a few dozen kilobytes; to measure policyc's parser, differ and notice
pipeline at scale we need inputs that look like real policies (the shapes in
shared/seed/privacy-policy.md) but are megabytes long, plus edited versions whose every edit
is known, so a diff can be checked against ground truth. Standard library only, so it runs
anywhere `make bench` does.

    generate_policy.py doc   --size 1MB --seed 1 --out FILE
    generate_policy.py pair  --size 1MB --seed 1 --old OLD --new NEW --truth TRUTH.json
                             [--reword 0.02 --move 0.01 --addremove 0.01] [--shuffle]
    generate_policy.py site  --versions 20 --size 100KB --seed 1 --out DIR
    generate_policy.py users --count 1000000 --seed 1 --out FILE.csv|FILE.jsonl

Same arguments, byte-identical output; `pair`'s OLD and `site`'s v01.md are exactly `doc`
with the same size and seed. Sizes are decimal (1MB = 1,000,000 bytes).

A "clause" is a paragraph or a list item; every clause carries a counter-derived phrase, so
no two clauses are equal. The truth file (and site's DIR/truth/vNN.json) lists every edit:
    {"kind": "modified|moved|added|removed", "old": {"section": "3", "line": 12} | null,
     "new": {...} | null, "text": "first 60 characters", "reworded": true|false}
sorted by kind, then line; plus "totals" per kind and "clauses" counts. Lines are 1-based
and point at the clause's first line (the `* ` line of an item); section "0" is the
preamble; "text" is the clause's Markdown source in OLD (NEW for additions), wrapped lines
joined by single spaces. "moved" with "reworded" true is a move that also changed words.
The Last Updated line is not a clause: it stays in `pair`, and changes in every `site`
version (recorded as "last_updated" in that version's truth file).
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import functools
import json
import math
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

# ---------------------------------------------------------------------------------------
# Vocabulary. Slots in sentence templates are written {name}; a trailing digit ({data2})
# draws from the same list again, so one sentence can name two different things.
# ---------------------------------------------------------------------------------------

VOCAB: dict[str, list[str]] = {
    "data": [
        "personal information", "contact details", "device identifiers", "usage data",
        "location information", "payment information", "account credentials",
        "browsing history", "IP addresses", "the content of your communications",
        "inferences drawn from your activity", "support requests", "log files",
        "cookie identifiers", "demographic information", "purchase history",
        "precise geolocation data", "profile information", "billing records",
        "information about your preferences", "audio recordings", "transaction records",
        "professional information", "social media handles", "survey responses",
        "diagnostic data", "crash reports", "advertising identifiers",
        "information about your contacts", "uploaded files", "authentication tokens",
        "government-issued identifiers", "information about your browser",
        "time zone settings", "referral information", "feedback you provide",
    ],
    "verb": [
        "collect", "process", "store", "use", "disclose", "share", "transfer", "retain",
        "aggregate", "analyze", "combine", "record", "access", "maintain", "review",
    ],
    "vpp": [
        "disclosed", "transferred", "made available", "provided", "communicated",
        "shared", "sent", "released",
    ],
    "modal": ["may", "will", "may", "may", "shall", "might", "will only", "may also"],
    "modal_you": ["may", "can", "may have the right to", "are entitled to", "may be able to"],
    "purpose": [
        "to provide and improve the Services", "to comply with our legal obligations",
        "to detect and prevent fraud", "to personalize your experience",
        "to send you service-related communications", "for research and analytics purposes",
        "to enforce our Terms of Service", "to respond to your requests",
        "to protect the rights, property, or safety of our Users",
        "to develop new products and features", "to process your transactions",
        "to verify your identity", "to measure the effectiveness of our advertising",
        "to maintain the security of our systems", "to provide customer support",
        "to administer promotions and surveys", "to debug and repair errors",
        "to exercise or defend legal claims", "to understand how the Services are used",
    ],
    "cond": [
        "with your consent", "where permitted by applicable law", "to the extent necessary",
        "unless otherwise required by law", "subject to appropriate safeguards",
        "as described in this Privacy Policy", "in accordance with your settings",
        "where we have a legitimate interest in doing so",
        "where necessary to perform our contract with you",
        "only for as long as is reasonably necessary", "in aggregated or de-identified form",
        "at your direction", "under written agreements that restrict their use of it",
        "in compliance with applicable export control laws",
    ],
    "recip": [
        "our service providers", "our affiliates and subsidiaries", "law enforcement authorities",
        "our professional advisors", "payment processors", "advertising partners",
        "cloud hosting providers", "analytics providers", "regulators and courts",
        "customer support vendors", "successor entities in connection with a merger or acquisition",
        "fraud prevention services", "identity verification providers",
        "other Users, at your direction", "auditors and insurers",
    ],
    "law": [
        "the General Data Protection Regulation", "the California Consumer Privacy Act",
        "applicable data protection laws", "the UK Data Protection Act 2018",
        "the Personal Information Protection and Electronic Documents Act",
        "the Virginia Consumer Data Protection Act", "Brazil’s Lei Geral de Proteção de Dados",
        "the Colorado Privacy Act", "Japan’s Act on the Protection of Personal Information",
        "the Swiss Federal Act on Data Protection", "applicable consumer protection laws",
        "the Children’s Online Privacy Protection Act", "the ePrivacy Directive",
    ],
    "subj": [
        "We", "Our service providers", "The Company", "Our affiliates", "Authorized personnel",
        "Third-party processors", "Our partners", "Our support staff",
    ],
    "right": [
        "request access to", "request deletion of", "request correction of",
        "object to the processing of", "withdraw your consent to the processing of",
        "request a copy of", "restrict the processing of", "opt out of the sale of",
        "request portability of", "limit the use of",
    ],
    "retention": [
        "your account remains active", "we need it to provide the Services",
        "required to comply with our legal obligations", "necessary to resolve disputes",
        "necessary to enforce our agreements", "reasonably necessary for our business purposes",
        "required by applicable tax and accounting rules",
    ],
    "anonymized": ["anonymized", "de-identified", "aggregated", "securely destroyed"],
    "topic": [
        "our use of cookies", "your privacy choices", "how we secure your information",
        "international data transfers", "our retention practices", "interest-based advertising",
        "how to exercise your rights", "the categories of recipients",
        "our legal bases for processing", "children’s privacy", "our marketing communications",
        "automated decision-making", "our use of service providers",
    ],
    "safeguard": [
        "technical and organizational measures", "encryption in transit and at rest",
        "role-based access controls", "regular security assessments",
        "industry-standard safeguards", "multi-factor authentication", "network segmentation",
        "administrative, physical, and technical safeguards",
    ],
    "tech": [
        "cookies", "web beacons", "pixel tags", "software development kits", "local storage",
        "server logs", "session replay tools", "device fingerprinting techniques",
    ],
    "tech_purpose": [
        "remember your preferences", "understand how you interact with the Services",
        "measure the performance of our campaigns", "keep you signed in",
        "detect suspicious activity", "deliver content that is relevant to you",
        "diagnose technical problems", "count visits and traffic sources",
    ],
    "region": [
        "the European Economic Area", "the United Kingdom", "Switzerland", "Canada",
        "Brazil", "Japan", "Australia", "California", "South Korea", "India",
        "the United States", "Singapore",
    ],
    "event": [
        "you create an account", "you contact customer support", "you make a purchase",
        "you participate in a survey", "you connect a third-party account",
        "you apply for a job", "you attend one of our events", "you enable location services",
        "you upload content", "you subscribe to our newsletter",
    ],
    "source": [
        "our business partners", "publicly available sources", "data brokers",
        "social networks you connect to the Services", "other Users", "our affiliates",
        "marketing partners", "identity verification services",
    ],
    "emph": [
        "In limited circumstances", "Except as otherwise provided in this Policy",
        "Where applicable law so requires", "In addition", "For example",
        "Unless you instruct us otherwise", "As a general rule",
    ],
    "incompat": [
        "materially different", "incompatible with the original purpose",
        "not reasonably related", "unexpected",
    ],
    "basis": [
        "the performance of a contract", "our legitimate interests", "your consent",
        "compliance with a legal obligation", "the protection of vital interests",
        "the performance of a task carried out in the public interest",
    ],
    "age": ["13", "16", "18"],
    "term": [
        "Personal Information", "Sensitive Personal Information", "Aggregate Data",
        "De-identified Data", "Service Providers", "Affiliates", "Platform", "Content",
        "Account", "Device Data", "Usage Data", "Partners", "Processors", "Data Subjects",
        "Authorized Agents", "Customer Data", "Feedback", "Inputs", "Outputs",
    ],
    "category": [
        "Identifiers", "Commercial information", "Internet or other electronic network activity",
        "Geolocation data", "Professional or employment-related information",
        "Inferences", "Audio and visual information", "Financial information",
        "Account information", "Communications", "Biometric information",
        "Education information", "Health information", "Device information",
    ],
    "link": [
        "[Cookie Policy](https://www.example.com/legal/cookies)",
        "[Terms of Service](https://www.example.com/legal/terms)",
        "[Privacy Center](https://privacy.example.com/)",
        "[Data Processing Addendum](https://www.example.com/legal/dpa)",
        "[list of subprocessors](https://www.example.com/legal/subprocessors)",
        "[Trust Center](https://trust.example.com/security)",
    ],
    "contact": [
        "[privacy@example.com](mailto:privacy@example.com)",
        "our [privacy request form](https://privacy.example.com/requests)",
        "[dpo@example.com](mailto:dpo@example.com)",
        "the in-app privacy settings",
    ],
    "autolink": [
        "https://www.example.com/privacy/choices", "https://optout.example.org/",
        "https://www.example.com/settings/ads", "https://privacy.example.com/do-not-sell",
    ],
}

# Every paragraph has one of these; {A} {B} {C} {D} come from the clause counter (see
# unique_phrase), which is what makes each clause distinct.
UNIQUE_FRAMES = [
    "This includes {A} {B} maintained by our {C} team in {D}.",
    "The same applies to {A} {B} handled by our {C} team in {D}.",
    "These practices also cover {A} {B} that our {C} team keeps in {D}.",
    "It extends to {A} {B} that our {C} team processes in {D}.",
]
UNIQUE_A = [
    "archived", "encrypted", "pseudonymized", "aggregated", "historical", "real-time",
    "legacy", "regional", "temporary", "backup", "derived", "shared", "imported", "exported",
    "cached", "audited", "sampled", "replicated", "quarantined", "indexed", "reconciled",
    "tokenized", "summarized", "annotated", "verified",
]
UNIQUE_B = [
    "records", "logs", "profiles", "datasets", "exports", "snapshots", "messages", "reports",
    "tickets", "ledgers", "transcripts", "invoices", "attachments", "metrics", "events",
    "feeds", "queues", "archives", "manifests", "registers", "statements", "forms",
    "notes", "images", "schedules",
]
UNIQUE_C = [
    "billing", "security", "support", "marketing", "research", "compliance", "infrastructure",
    "payments", "identity", "trust and safety", "legal", "finance", "growth", "platform",
    "mobile", "partnerships", "data science", "quality assurance", "procurement", "sales",
    "operations", "localization", "accessibility", "developer relations", "events",
    "recruiting", "internal audit", "risk", "fraud", "customer success", "design",
    "communications", "privacy engineering", "reliability", "education", "content",
    "commerce", "logistics", "facilities", "analytics",
]
UNIQUE_D = [
    "Ireland", "Singapore", "Frankfurt", "Virginia", "São Paulo", "Tokyo", "Sydney",
    "Toronto", "Oregon", "London", "Paris", "Stockholm", "Mumbai", "Seoul", "Zurich",
    "Amsterdam", "Madrid", "Milan", "Warsaw", "Dublin", "Montréal", "Osaka", "Jakarta",
    "Johannesburg", "Santiago", "Mexico City", "Tel Aviv", "Bahrain", "Hong Kong", "Ohio",
    "Iowa", "Helsinki", "Vienna", "Oslo", "Copenhagen", "Brussels", "Lisbon", "Prague",
    "Melbourne", "Auckland",
]
UNIQUE_SPACE = len(UNIQUE_A) * len(UNIQUE_B) * len(UNIQUE_C) * len(UNIQUE_D)  # 1,000,000
UNIQUE_STRIDE = 618_033  # ~0.618 × UNIQUE_SPACE and coprime with it: neighbours look unrelated
assert math.gcd(UNIQUE_STRIDE, UNIQUE_SPACE) == 1

SENTENCES = [
    "We {modal} {verb} {data} {purpose}.",
    "{subj} {modal} {verb} {data} {cond}.",
    "Where {event}, we {modal} {verb} {data} {purpose}.",
    "You {modal_you} {right} {data} {cond}.",
    "We retain {data} for as long as {retention}, after which it is {anonymized}.",
    "Such information {modal} be {vpp} to {recip} {purpose}.",
    "In accordance with {law}, we {modal} {verb} {data} only {cond}.",
    "For the avoidance of doubt, we do not sell {data} to {recip}.",
    "Notwithstanding the foregoing, {recip} {modal} {verb} {data} {cond}.",
    "Subject to {law}, you {modal_you} {right} {data} by contacting us as described in Section {sec}.",
    "For more information about {topic}, please see Section {sec}.",
    "You can learn more about {topic} in our {link}.",
    "We implement {safeguard} designed to protect {data} against unauthorized access, loss, or alteration.",
    "{subj} {modal} use {tech} to {tech_purpose}.",
    "If you are located in {region}, {data} {modal} be transferred to and processed in {region2} {cond}.",
    "We periodically review our practices regarding {topic} to ensure they remain consistent with {law}.",
    "This includes {data} that we receive from {source} when {event}.",
    "Any {data} that you provide through the Services {modal} be {vpp} to {recip} {cond}.",
    "We {modal} combine {data} with {data2} {purpose}.",
    "*{emph}*, we {modal} {verb} {data} {purpose}.",
    "We will not {verb} {data} for purposes that are *{incompat}* without first providing notice to you.",
    "Information relating to an identified or identifiable individual (“**{term}**”) {modal} be {vpp} to {recip} {cond}.",
    "Requests relating to {data} may be submitted through {contact}.",
    "Your choices regarding {topic} are described at {autolink}.",
    "These obligations apply equally to {recip} that {verb} {data} on our behalf.",
    "Where required by {law}, we will obtain your consent before we {verb} {data}.",
    "To the extent that {data} constitutes “**{term}**” under {law}, we {modal} {verb} it only {cond}.",
    "We may also {verb} {data} when we believe in good faith that doing so is necessary {purpose}.",
    "We do not knowingly {verb} {data} from children under the age of {age} {cond}.",
    "The legal bases on which we rely include {basis}, {basis2}, and {basis3}.",
    "When {event}, {recip} {modal} receive {data} {cond}.",
    "We {modal} {verb} {data} and {data2} {purpose}, as further explained in Section {sec}.",
]
LEAD_INS = [
    "The categories of {data} that we {verb} include the following:",
    "In particular, we {modal} {verb} {data} in the following circumstances:",
    "Depending on where you live, you {modal_you} exercise the following rights:",
    "We rely on the following legal bases when we {verb} {data}:",
    "Examples of {recip} with whom we {modal} share information include:",
]
ITEMS = [
    "**{category}**, such as {data}, {data2}, and {data3}, including {A} {B} held by our {C} team in {D}.",
    "{Category}. We {modal} {verb} {data} {purpose}, for example {A} {B} from our {C} team in {D}.",
    "{Recip}, which {modal} receive {data} relating to {A} {B} prepared by our {C} team in {D}.",
    "The right to {right} {data}, including {A} {B} kept by our {C} team in {D}.",
    "To {tech_purpose}, using {A} {B} that our {C} team stores in {D}.",
]
PARENT_ITEMS = [
    "{Category} relating to {A} {B} from our {C} team in {D}:",
    "Use of {data} by our {C} team in {D} for {A} {B}:",
]
TABLES = [
    ("Category of Personal Information", "Examples", "Source", "Retention Period"),
    ("Purpose", "Legal Basis", "Categories of Data"),
    ("Recipient", "Purpose of Disclosure", "Safeguards"),
]
TABLE_COLUMNS = {  # which vocabulary list fills each table column
    "Category of Personal Information": "category", "Examples": "data", "Source": "source",
    "Retention Period": "period", "Purpose": "purpose", "Legal Basis": "basis",
    "Categories of Data": "data", "Recipient": "recip", "Purpose of Disclosure": "purpose",
    "Safeguards": "safeguard",
}
VOCAB["period"] = [
    "12 months", "24 months", "3 years", "6 years", "the life of your account",
    "90 days after account closure", "as required by law", "30 days",
]

SECTION_TITLES = [
    "Information We Collect", "Information You Provide to Us",
    "Information We Collect Automatically", "Information from Third Parties",
    "How We Use Your Information", "Legal Bases for Processing",
    "How We Share Your Information", "Cookies and Similar Technologies",
    "Interest-Based Advertising", "Analytics Services", "Data Retention", "Data Security",
    "International Data Transfers", "Your Rights and Choices", "Your California Privacy Rights",
    "Rights of Residents of the European Economic Area", "Children’s Privacy",
    "Third-Party Websites and Services", "Do Not Track Signals", "Marketing Communications",
    "Account Deletion", "Aggregated and De-identified Data", "Service Providers",
    "Business Transfers", "Law Enforcement Requests", "Automated Decision-Making",
    "Biometric Information", "Location Information", "Payment Information",
    "Changes to This Privacy Policy",
]
SECTION_SCOPES = [
    "Mobile Applications", "Enterprise Customers", "Job Applicants", "Event Attendees",
    "Beta Programs", "Developer APIs", "Connected Devices", "Payment Services",
    "Customer Support", "Community Forums", "Marketplace Sellers", "Browser Extensions",
    "Affiliate Programs", "Research Studies", "Healthcare Offerings", "Educational Services",
    "Subscription Plans", "Partner Integrations", "Loyalty Programs", "Retail Locations",
    "Voice Assistants", "Smart Home Products", "Gaming Services", "Financial Products",
    "Travel Services", "Creator Programs", "Nonprofit Partners", "Government Customers",
    "Resellers", "Open Source Projects", "Online Courses", "Telehealth Services",
    "Automotive Services", "Wearable Devices", "Podcasts", "Live Streaming",
    "Newsletters", "Gift Cards", "Referral Programs", "Sweepstakes",
]
SUBSECTION_TITLES = [
    "Account Information", "Communications", "Device Information", "Log Data", "Cookies",
    "Web Beacons", "Location Data", "Payment Data", "Customer Support",
    "Surveys and Promotions", "Social Media", "Referrals", "Public Sources",
    "Business Partners", "Security and Fraud Prevention", "Legal Compliance",
    "Product Improvement", "Personalization", "Advertising", "Analytics", "Research",
    "Affiliates", "Corporate Transactions", "Legal Requirements", "With Your Consent",
    "Access and Portability", "Correction", "Deletion", "Objection", "Restriction",
    "Withdrawal of Consent", "Complaints", "Authorized Agents", "Verification",
    "Retention Periods", "Backups", "Safeguards", "Breach Notification",
    "Standard Contractual Clauses", "Data Privacy Framework", "Opt-Out Preference Signals",
    "Email Preferences", "Push Notifications", "Text Messages", "Sensitive Information",
    "Minors", "Automated Processing", "Profiling", "Sale and Sharing",
    "Changing Your Cookie Settings",
]
COMPANIES = [
    "Example Corp.", "Acme Analytics, Inc.", "Northwind Labs Ltd.", "Globex Software GmbH",
    "Initech Cloud LLC", "Umbrella Health, Inc.",
]
PREAMBLE = [
    "This Privacy Policy describes how {company} (“**Company**”, “**we**”, “**us**” or "
    "“**our**”) collects, uses, discloses and otherwise processes information about "
    "individuals who visit our websites, use our mobile applications or otherwise interact "
    "with us, including individuals who create an account (“**Users**”), as well as the "
    "choices available to you with respect to that information.",
    "This Privacy Policy applies to our websites, applications, application programming "
    "interfaces and related online and offline services (collectively, the “**Services**”). "
    "By accessing or using the Services, you acknowledge that you have read and understood "
    "this Privacy Policy. If you do not agree with our practices, please do not use the "
    "Services.",
    "Capitalized terms used but not defined in this Privacy Policy have the meanings given "
    "to them in our [Terms of Service](https://www.example.com/legal/terms). Please read this "
    "Privacy Policy carefully, together with our "
    "[Cookie Policy](https://www.example.com/legal/cookies), which explains how we use "
    "cookies and similar technologies.",
    "We may modify this Privacy Policy at any time. If we make material changes, we will "
    "provide Users with advance notice by email, and the date of the last revision is "
    "shown at the top of this page.",
]

# Rewording vocabulary: synonyms swap a word for one of similar meaning; adverbs are what a
# lawyer adds in front of a verb ("we may promptly share"), and may later take out again.
SYNONYMS = {
    "may": ["might", "can"], "collect": ["gather", "obtain"], "use": ["utilize", "employ"],
    "share": ["disclose", "provide"], "disclose": ["share", "reveal"],
    "information": ["data", "details"], "data": ["information", "records"],
    "store": ["keep", "hold"], "retain": ["keep", "preserve"], "process": ["handle", "treat"],
    "provide": ["supply", "offer"], "protect": ["safeguard", "secure"],
    "necessary": ["required", "needed"], "request": ["ask for", "seek"],
    "improve": ["enhance", "refine"], "detect": ["identify", "uncover"],
    "prevent": ["stop", "deter"], "receive": ["obtain", "get"], "review": ["assess", "examine"],
    "applicable": ["relevant", "governing"], "transfer": ["move", "send"],
    "combine": ["merge", "link"], "access": ["view", "retrieve"], "will": ["shall", "must"],
    "purposes": ["aims", "objectives"], "choices": ["options", "preferences"],
}
ADVERBS = ["reasonably", "generally", "promptly", "periodically", "also", "only", "strictly",
           "routinely"]
VERBS = set(VOCAB["verb"]) | {
    "maintained", "handled", "kept", "held", "prepared", "keeps", "stores", "processes",
    "receive", "provide", "protect", "use", "implement", "obtain", "review", "submitted",
}
DELETABLE = set(ADVERBS) | {"equally", "further"}

SIZE_UNITS = {"": 1, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000}
BASE_DATE = datetime.date(2025, 4, 15)
WRAP_WIDTH = 80
WRAPPED_SHARE = 0.2  # share of clauses hard-wrapped over several lines, as some authors do


# ---------------------------------------------------------------------------------------
# Document model. Clauses are immutable and keep their id across versions, which is how
# an edit and its ground truth stay linked; the containers around them are mutable and
# compare by identity (eq=False), so list.remove() and index() find the very object.
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clause:
    """One paragraph or list item: the unit that edits act on and the truth file names."""
    id: int
    text: str
    wrapped: bool


@dataclass(eq=False)
class Para:
    clause: Clause


@dataclass(eq=False)
class Item:
    clause: Clause
    children: list[Item]


@dataclass(eq=False)
class BulletList:
    items: list[Item]


@dataclass(eq=False)
class Subheading:
    title: str


@dataclass(eq=False)
class Table:
    lines: list[str]


Block = Para | BulletList | Subheading | Table


@dataclass(eq=False)
class Section:
    number: int
    title: str
    blocks: list[Block]


@dataclass
class Policy:
    date: datetime.date
    preamble: list[Para]
    sections: list[Section]
    next_id: int  # the counter for the next new clause, shared by all later versions

    def clone(self) -> Policy:
        """Copy the containers but share the immutable clauses, far cheaper than deepcopy."""
        def copy_item(item: Item) -> Item:
            return Item(item.clause, [copy_item(child) for child in item.children])

        def copy_block(block: Block) -> Block:
            if isinstance(block, Para):
                return Para(block.clause)
            if isinstance(block, BulletList):
                return BulletList([copy_item(item) for item in block.items])
            return block  # headings and tables are never edited in place

        return Policy(
            self.date,
            [Para(p.clause) for p in self.preamble],
            [Section(s.number, s.title, [copy_block(b) for b in s.blocks]) for s in self.sections],
            self.next_id,
        )


# ---------------------------------------------------------------------------------------
# Text generation
# ---------------------------------------------------------------------------------------

def compile_template(template: str) -> list[tuple[str, str]]:
    """Split a template into (literal, slot) pairs once, so filling it is a tight loop."""
    parts = re.split(r"\{(\w+)\}", template)
    return [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]


class TextGen:
    """Writes clauses, headings and tables from a seeded RNG; owns the clause counter."""

    def __init__(self, rng: random.Random, next_id: int = 0):
        self.rng = rng
        self.next_id = next_id
        self.sentences = [compile_template(t) for t in SENTENCES]
        self.lead_ins = [compile_template(t) for t in LEAD_INS]
        self.items = [compile_template(t) for t in ITEMS]
        self.parents = [compile_template(t) for t in PARENT_ITEMS]
        self.frames = [compile_template(t) for t in UNIQUE_FRAMES]
        self.max_section = 1  # cross-references point at sections that exist

    def fill(self, template: list[tuple[str, str]], unique: dict[str, str] | None = None) -> str:
        """Fill the slots; {data} and {data2} in one sentence get different words."""
        choice = self.rng.choice
        out = []
        used: set[str] = set()
        for literal, slot in template:
            out.append(literal)
            if not slot:
                continue
            if unique and slot in unique:
                out.append(unique[slot])
            elif slot == "sec":
                out.append(str(self.rng.randint(1, self.max_section)))
            else:
                words = VOCAB[slot.rstrip("0123456789").lower()]
                word = choice(words)
                while word in used:
                    word = choice(words)
                used.add(word)
                out.append(word[0].upper() + word[1:] if slot[0].isupper() else word)
        return "".join(out)

    def new_clause(self) -> tuple[int, dict[str, str]]:
        """Take the next clause id and its distinct {A} {B} {C} {D} phrase."""
        clause_id = self.next_id
        self.next_id += 1
        n = (clause_id * UNIQUE_STRIDE) % UNIQUE_SPACE
        n, a = divmod(n, len(UNIQUE_A))
        n, b = divmod(n, len(UNIQUE_B))
        d, c = divmod(n, len(UNIQUE_C))
        unique = {"A": UNIQUE_A[a], "B": UNIQUE_B[b], "C": UNIQUE_C[c], "D": UNIQUE_D[d]}
        return clause_id, unique

    def make_clause(self, clause_id: int, text: str) -> Clause:
        return Clause(clause_id, text, self.rng.random() < WRAPPED_SHARE)

    def paragraph(self, lead_in: bool = False) -> Clause:
        """40-120 words of sentences, one of them the clause's unique phrase."""
        clause_id, unique = self.new_clause()
        rng = self.rng
        target = rng.randint(40, 120)
        sentences = [self.fill(rng.choice(self.frames), unique)]
        words = len(sentences[0].split())
        ending = self.fill(rng.choice(self.lead_ins)) if lead_in else ""
        words += len(ending.split())
        for template in rng.sample(self.sentences, len(self.sentences)):  # none twice
            if words >= target:
                break
            sentence = self.fill(template)
            count = len(sentence.split())
            if words + count > 120 and words >= 40:
                break
            sentences.append(sentence)
            words += count
        rng.shuffle(sentences)
        if ending:
            sentences.append(ending)
        return self.make_clause(clause_id, " ".join(sentences))

    def item(self, parent: bool = False) -> Clause:
        clause_id, unique = self.new_clause()
        text = self.fill(self.rng.choice(self.parents if parent else self.items), unique)
        if not parent and self.rng.random() < 0.3:
            text += " " + self.fill(self.rng.choice(self.sentences))
        return self.make_clause(clause_id, text)

    def bullet_list(self) -> BulletList:
        rng = self.rng
        items = [Item(self.item(), []) for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.15:
            at = rng.randrange(len(items))
            children = [Item(self.item(), []) for _ in range(rng.randint(2, 4))]
            items[at] = Item(self.item(parent=True), children)
        return BulletList(items)

    def table(self) -> Table:
        header = self.rng.choice(TABLES)
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        for _ in range(self.rng.randint(3, 6)):
            cells = [self.rng.choice(VOCAB[TABLE_COLUMNS[h]]) for h in header]
            lines.append("| " + " | ".join(c[0].upper() + c[1:] for c in cells) + " |")
        return Table(lines)


def section_title(index: int) -> str:
    """Distinct titles for the first ~1200 sections: base titles, then base × scope."""
    base = SECTION_TITLES[index % len(SECTION_TITLES)]
    round_ = index // len(SECTION_TITLES)
    return base if round_ == 0 else f"{base} for {SECTION_SCOPES[(round_ - 1) % len(SECTION_SCOPES)]}"


def block_bytes(block: Block) -> int:
    """Approximate rendered size, for stopping at the requested document size."""
    if isinstance(block, Para):
        return len(block.clause.text.encode()) + 2
    if isinstance(block, BulletList):
        def item_bytes(item: Item, depth: int) -> int:
            own = len(item.clause.text.encode()) + 3 + 4 * depth
            return own + sum(item_bytes(c, depth + 1) for c in item.children)
        return sum(item_bytes(i, 0) for i in block.items) + 1
    if isinstance(block, Subheading):
        return 2 * len(block.title) + 3
    return sum(len(line) + 1 for line in block.lines) + 1


def generate_section(gen: TextGen, number: int, title: str, target: int) -> Section:
    """One numbered section of about `target` bytes: intro, then subsections of mixed blocks."""
    rng = gen.rng
    gen.max_section = number
    blocks: list[Block] = [Para(gen.paragraph()) for _ in range(rng.randint(1, 2))]
    size = sum(block_bytes(b) for b in blocks) + len(title) + 12
    subtitles = rng.sample(SUBSECTION_TITLES, len(SUBSECTION_TITLES))
    since_heading = 0
    has_table = False
    while size < target:
        roll = rng.random()
        new: list[Block]
        if roll < 0.2 and since_heading >= 2 and subtitles:
            new = [Subheading(subtitles.pop())]
            since_heading = -1
        elif roll < 0.5:
            new = [Para(gen.paragraph(lead_in=True)), gen.bullet_list()]
        elif roll < 0.54 and not has_table:
            new = [Para(gen.paragraph()), gen.table()]
            has_table = True
        else:
            new = [Para(gen.paragraph())]
        since_heading += 1
        blocks += new
        size += sum(block_bytes(b) for b in new)
    return Section(number, title, blocks)


def generate_policy(size: int, seed: int) -> Policy:
    """A whole policy of about `size` bytes; sections of 8-20 KB, fewer for small sizes."""
    rng = random.Random(f"policy:{seed}")
    gen = TextGen(rng)
    company = rng.choice(COMPANIES)
    preamble = [Para(gen.make_clause(gen.new_clause()[0], text.format(company=company)))
                for text in PREAMBLE]
    remaining = size - 80 - sum(block_bytes(p) for p in preamble)
    contact_size = 1500
    sections = []
    while remaining > contact_size:
        target = min(rng.randint(8_000, 20_000), remaining - contact_size)
        section = generate_section(gen, len(sections) + 1, section_title(len(sections)), target)
        sections.append(section)
        remaining -= sum(block_bytes(b) for b in section.blocks) + len(section.title) + 12
    gen.max_section = len(sections) + 1
    contact = Para(gen.make_clause(gen.new_clause()[0],
        f"If you have any questions about this Privacy Policy or our privacy practices, please "
        f"contact us at [privacy@example.com](mailto:privacy@example.com) or write to us at "
        f"{company}, Attn: Privacy, 100 Example Street, Suite {rng.randint(100, 999)}, "
        f"Springfield, ST 00000."))
    sections.append(Section(len(sections) + 1, "Contact Us", [Para(gen.paragraph()), contact]))
    return Policy(BASE_DATE, preamble, sections, gen.next_id)


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------

def wrap(text: str, first_prefix: str, prefix: str) -> list[str]:
    """Hard-wrap at spaces, breaking only before a word that starts with a letter.

    A continuation line starting with `1.`, `-`, `*`, `#`, `=` or `|` could start a list,
    heading or table in CommonMark and change the document's structure.
    """
    first, *rest = text.split(" ")
    lines = []
    line = first_prefix + first
    for token in rest:
        if len(line) + 1 + len(token) > WRAP_WIDTH and token[:1].isalpha():
            lines.append(line)
            line = prefix + token
        else:
            line += " " + token
    lines.append(line)
    return lines


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def date_text(date: datetime.date) -> str:
    """'Apr 15, 2025', whatever the locale (strftime's %b is not)."""
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def render(policy: Policy) -> tuple[str, dict[int, tuple[str, int]]]:
    """Markdown text, and where each clause starts: id -> (section number, 1-based line).

    Preamble clauses are in section "0".
    """
    lines: list[str] = ["Privacy Policy", "==============", "",
                        f"_Last Updated: {date_text(policy.date)}_", ""]
    where: dict[int, tuple[str, int]] = {}

    def emit_clause(clause: Clause, section: str, first_prefix: str, prefix: str) -> None:
        where[clause.id] = (section, len(lines) + 1)
        if clause.wrapped:
            lines.extend(wrap(clause.text, first_prefix, prefix))
        else:
            lines.append(first_prefix + clause.text)

    def emit_item(item: Item, section: str, indent: str) -> None:
        emit_clause(item.clause, section, indent + "* ", indent + "  ")
        for child in item.children:
            emit_item(child, section, indent + "    ")

    for para in policy.preamble:
        emit_clause(para.clause, "0", "", "")
        lines.append("")
    for section in policy.sections:
        label = str(section.number)
        lines += [f"### {section.number}\\. {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Para):
                emit_clause(block.clause, label, "", "")
            elif isinstance(block, BulletList):
                for item in block.items:
                    emit_item(item, label, "")
            elif isinstance(block, Subheading):
                lines += [block.title, "-" * len(block.title)]
            else:
                lines += block.lines
            lines.append("")
    return "\n".join(lines), where


# ---------------------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------------------

@dataclass(eq=False)
class Slot:
    """Where a clause sits in the (mutable) new version, for picking and applying edits."""
    owner: Para | Item
    container: list        # the list holding owner: section blocks, preamble or list items
    section: Section | None  # None for the preamble
    movable: bool          # may be moved or removed without breaking the structure


def clause_slots(policy: Policy) -> list[Slot]:
    """All clauses in document order.

    A paragraph right before a list is its lead-in and stays put: without it two lists
    could touch and merge into one. Items with nested items stay put too (moving them would
    move their children), and the preamble stays put.
    """
    slots = [Slot(p, policy.preamble, None, False) for p in policy.preamble]

    def add_items(items: list[Item], section: Section) -> None:
        for item in items:
            slots.append(Slot(item, items, section, not item.children))
            add_items(item.children, section)

    for section in policy.sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, Para):
                next_block = section.blocks[i + 1] if i + 1 < len(section.blocks) else None
                slots.append(Slot(block, section.blocks, section,
                                  not isinstance(next_block, BulletList)))
            elif isinstance(block, BulletList):
                add_items(block.items, section)
    return slots


def reword(text: str, rng: random.Random) -> str:
    """Change, insert or delete one to three words, keeping the rest (and all markup).

    Only lowercase plain words are touched, so links, emphasis and defined terms survive.
    """
    tokens = text.split(" ")
    ops = rng.randint(1, 3 if len(tokens) > 30 else 2)
    while ops > 0 or " ".join(tokens) == text:  # an insert then a delete can undo each other
        ops -= 1
        plain = [i for i, t in enumerate(tokens) if t.isalpha() and t.islower()]
        swappable = [i for i in plain if tokens[i] in SYNONYMS]
        deletable = [i for i in plain if tokens[i] in DELETABLE]
        verbs = [i for i in plain if tokens[i] in VERBS]
        ops_possible = [op for op, where in (("delete", deletable), ("insert", verbs),
                                             ("replace", swappable)) if where]
        op = rng.choice(ops_possible) if ops_possible else "qualify"
        if op == "delete":
            del tokens[rng.choice(deletable)]
        elif op == "insert":
            tokens.insert(rng.choice(verbs), rng.choice(ADVERBS))
        elif op == "replace":
            i = rng.choice(swappable)
            tokens[i] = rng.choice(SYNONYMS[tokens[i]])
        else:  # no word to work on: qualify the whole clause
            last = tokens[-1]
            tokens[-1] = last[:-1] + ", as applicable" + last[-1]
    return " ".join(tokens)


def paragraph_positions(section: Section, avoid: range = range(0)) -> list[int]:
    """Indices where a paragraph can be inserted: not between a lead-in and its list."""
    blocks = section.blocks
    return [i for i in range(len(blocks) + 1)
            if i not in avoid and not (i < len(blocks) and isinstance(blocks[i], BulletList))]


def all_lists(section: Section) -> list[list[Item]]:
    """Every item container in a section, nested ones included."""
    found = []

    def visit(items: list[Item]) -> None:
        found.append(items)
        for item in items:
            if item.children:
                visit(item.children)

    for block in section.blocks:
        if isinstance(block, BulletList):
            visit(block.items)
    return found


def derange(owners: list, rng: random.Random) -> None:
    """Permute the clauses among their owners so that none stays where it was."""
    if len(owners) < 2:
        return
    clauses = [o.clause for o in owners]
    perm = list(range(len(owners)))
    rng.shuffle(perm)
    for i in range(len(perm)):
        if perm[i] == i:
            j = rng.choice([k for k in (i - 1, i + 1) if 0 <= k < len(perm)])
            perm[i], perm[j] = perm[j], perm[i]
    for owner, source in zip(owners, perm):
        owner.clause = clauses[source]


def put_elsewhere(policy: Policy, owner: Para | Item, section: Section, index: int,
                  container: list, to_other: bool, rng: random.Random) -> None:
    """Insert a clause taken out of `section` (at `index` in `container`) somewhere else.

    Within its section it lands a few blocks away, or in another list, so that a diff
    sees a move and not a swap of neighbours; otherwise in a random other section.
    """
    others = [s for s in policy.sections if s is not section] or [section]
    if isinstance(owner, Para):
        spots = [] if to_other else paragraph_positions(section, range(index - 2, index + 4))
        if not spots:
            section = rng.choice(others)
            spots = paragraph_positions(section)
        section.blocks.insert(rng.choice(spots), owner)
        return
    targets = [items for items in all_lists(section) if items is not container]
    if to_other or not targets:  # the lists of a random other section that has some
        shuffled = rng.sample(others, len(others))
        targets = next((lists for s in shuffled if (lists := all_lists(s))), targets)
    target = rng.choice(targets or [container])
    target.insert(rng.randint(0, len(target)), owner)


def add_clause(policy: Policy, gen: TextGen) -> Clause:
    """A new clause in a random section: a list item half the time where there are lists."""
    rng = gen.rng
    section = rng.choice(policy.sections)
    lists = all_lists(section)
    if lists and rng.random() < 0.5:
        clause = gen.item()
        target = rng.choice(lists)
        target.insert(rng.randint(0, len(target)), Item(clause, []))
    else:
        clause = gen.paragraph()
        section.blocks.insert(rng.choice(paragraph_positions(section)), Para(clause))
    return clause


@dataclass
class Edit:
    kind: str          # modified | moved | added | removed
    clause_id: int
    text: str          # the clause's text in the old version (the new one for additions)
    reworded: bool


def edit_policy(old: Policy, rng: random.Random, reword_share: float, move_share: float,
                addremove_share: float, shuffle: bool) -> tuple[Policy, list[Edit]]:
    """A new version of `old` with a known set of clause edits.

    With `shuffle`, every clause of the old version that survives is moved to another
    clause's place (paragraphs among paragraphs, items among items) and `move_share` is
    ignored; rewording and additions/removals still apply.
    """
    new = old.clone()
    gen = TextGen(rng, new.next_id)
    gen.max_section = len(new.sections)
    slots = clause_slots(new)
    total = len(slots)
    n_addremove = round(total * addremove_share)
    n_remove, n_add = n_addremove // 2, n_addremove - n_addremove // 2
    n_move = 0 if shuffle else round(total * move_share)

    # Pick removals, then moves, from movable clauses, never emptying a list.
    list_sizes = collections.Counter(id(s.container) for s in slots
                                     if isinstance(s.owner, Item))
    removals: list[Slot] = []
    moves: list[Slot] = []
    for slot in rng.sample(slots, total):
        if len(removals) == n_remove and len(moves) == n_move:
            break
        if not slot.movable:
            continue
        if isinstance(slot.owner, Item):
            if list_sizes[id(slot.container)] < 2:
                continue
            list_sizes[id(slot.container)] -= 1
        (removals if len(removals) < n_remove else moves).append(slot)
    taken = {id(s.owner) for s in removals + moves}
    cross = [rng.random() < 0.5 for _ in moves]  # half of the moves go to another section
    rewords = rng.sample([s for s in slots if id(s.owner) not in taken],
                         min(round(total * reword_share), total - len(taken)))
    reworded_ids = {s.owner.clause.id for s in rewords}
    for slot, to_other in zip(moves, cross):
        if to_other and rng.random() < 0.4:
            reworded_ids.add(slot.owner.clause.id)

    edits = [Edit("removed", s.owner.clause.id, s.owner.clause.text, False) for s in removals]
    old_text = {s.owner.clause.id: s.owner.clause.text for s in slots}
    for slot in slots:
        if slot.owner.clause.id in reworded_ids:
            slot.owner.clause = replace(slot.owner.clause, text=reword(slot.owner.clause.text, rng))

    origins = {id(s.owner): (s.section, s.container.index(s.owner)) for s in moves}
    for slot in removals + moves:
        slot.container.remove(slot.owner)
    for slot, to_other in zip(moves, cross):
        section, index = origins[id(slot.owner)]
        put_elsewhere(new, slot.owner, section, index, slot.container, to_other, rng)

    if shuffle:
        removed = {id(s.owner) for s in removals}
        survivors = [s for s in slots if id(s.owner) not in removed]
        derange([s.owner for s in survivors if isinstance(s.owner, Para)], rng)
        derange([s.owner for s in survivors if isinstance(s.owner, Item)], rng)
        moved_ids = [s.owner.clause.id for s in survivors]
    else:
        moved_ids = [s.owner.clause.id for s in moves]
    edits += [Edit("moved", i, old_text[i], i in reworded_ids) for i in moved_ids]
    edits += [Edit("modified", i, old_text[i], True)
              for i in sorted(reworded_ids - set(moved_ids))]

    for _ in range(n_add):
        clause = add_clause(new, gen)
        edits.append(Edit("added", clause.id, clause.text, False))
    new.next_id = gen.next_id
    return new, edits


def truth_document(edits: list[Edit], old_where: dict, new_where: dict) -> dict:
    """The ground truth: every edit with where its clause starts in each version."""
    def place(where: dict, clause_id: int) -> dict | None:
        if clause_id not in where:
            return None
        section, line = where[clause_id]
        return {"section": section, "line": line}

    order = {"modified": 0, "moved": 1, "added": 2, "removed": 3}
    entries = []
    for edit in edits:
        old, new = place(old_where, edit.clause_id), place(new_where, edit.clause_id)
        entries.append({"kind": edit.kind, "old": old, "new": new, "text": edit.text[:60],
                        "reworded": edit.reworded})
    entries.sort(key=lambda e: (order[e["kind"]], (e["old"] or e["new"])["line"]))
    totals = {kind: sum(1 for e in entries if e["kind"] == kind) for kind in order}
    return {"clauses": {"old": len(old_where), "new": len(new_where)},
            "totals": totals, "edits": entries}


# ---------------------------------------------------------------------------------------
# User export
# ---------------------------------------------------------------------------------------

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty",
    "Mark", "Sandra", "Paul", "Ashley", "Steven", "Emily", "Andrew", "Olivia", "Noah", "Emma",
    "Liam", "Ava", "Ethan", "Mia", "Lucas", "Chloe", "Oliver", "Grace", "Henry", "Zoe",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
]
ACCENTED_FIRST = ["José", "Zoë", "François", "Søren", "Małgorzata", "Łukasz", "Øyvind",
                  "Ángel", "Chloé", "Jürgen", "Inès", "Björn", "Dvořák", "Siân", "Renée"]
ACCENTED_LAST = ["Müller", "Ångström", "García", "Nuñez", "Çelik", "Kovačević", "Lefèvre",
                 "Sørensen", "Żółć", "Gonçalves", "Dubois-Léger", "Øster", "Ó Briain"]
CJK_NAMES = [("山田 太郎", "ja"), ("佐藤 花子", "ja"), ("鈴木 一郎", "ja"), ("高橋 美咲", "ja"),
             ("王伟", "zh-CN"), ("李娜", "zh-CN"), ("张敏", "zh-CN"), ("陈静", "zh-TW"),
             ("刘洋", "zh-CN"), ("김민준", "ko"), ("이서연", "ko"), ("박지훈", "ko")]
RTL_NAMES = [("محمد علي", "ar"), ("فاطمة الزهراء", "ar"), ("أحمد حسن", "ar"), ("דוד כהן", "he"),
             ("שרה לוי", "he"), ("یوسف رضایی", "fa")]
EMOJI_SUFFIXES = ["🚀", "🌸", "✨", "🎧", "👩‍💻", "🇫🇷", "🐱"]
TRICKY_NAMES = ["Conan O'Brien", "Smith, Jr., John", 'Robert "Bobby" Tables',
                "Anne-Marie d'Arc", "Jean\u00a0Dupont", "Zoe\u0308 Decomposed"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "corp.example.co.uk",
           "example.de", "example.fr", "example.jp", "student.example.edu"]
STATUSES = ["active"] * 900 + ["inactive"] * 40 + ["pending"] * 25 + ["suspended"] * 15 + \
           ["unsubscribed"] * 15 + ["deleted"] * 5
LOCALES_ANY = ["en"] * 30 + ["en-US"] * 15 + ["en-GB"] * 8 + ["de"] * 10 + ["fr"] * 8 + \
              ["es"] * 6 + ["ja"] * 4 + ["pt-BR"] * 4 + ["it"] * 3 + ["nl"] * 2 + ["fr-CA"] * 1
LOCALES_ACCENTED = ["de", "de-AT", "fr", "fr-CA", "es", "pt-BR", "pl", "da", "sv", "nb", "cs"]
INVALID_SHAPES = ["{l}", "{l}@", "@{d}", "{l}@@{d}", "{l} @{d}", "{l}@{d}.", "{l}..x@{d}",
                  ".{l}@{d}", "{l}@-{d}", "{l}@{d},", "", "{l}@localhost@{d}"]


@functools.lru_cache(maxsize=None)  # a few thousand distinct names, a million rows
def ascii_local(name: str) -> str:
    """An email local part from a name: accents stripped, non-Latin names give ''."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z]+", folded.lower())
    return ".".join(words)


def user_rows(count: int, seed: int):
    """Yield (id, email, name, locale, status) rows one at a time, never the whole export.

    About 1% of emails are invalid and 0.5% repeat a recent valid address with the domain's
    case changed (the same mailbox, as a merge should find).
    """
    rand = random.Random(f"users:{seed}").random

    def choice(seq):  # random.choice costs twice as much, and this runs ten times a row
        return seq[int(rand() * len(seq))]

    recent: collections.deque[tuple[str, str]] = collections.deque(maxlen=2000)
    for user_id in range(1, count + 1):
        kind = rand()
        if kind < 0.80:
            name = f"{choice(FIRST_NAMES)} {choice(LAST_NAMES)}"
            locale = choice(LOCALES_ANY)
        elif kind < 0.88:
            name = f"{choice(ACCENTED_FIRST)} {choice(ACCENTED_LAST)}"
            locale = choice(LOCALES_ACCENTED)
        elif kind < 0.92:
            name, locale = choice(CJK_NAMES)
        elif kind < 0.95:
            name, locale = choice(RTL_NAMES)
        elif kind < 0.98:
            name = f"{choice(FIRST_NAMES)} {choice(EMOJI_SUFFIXES)}"
            locale = choice(LOCALES_ANY)
        else:
            name, locale = choice(TRICKY_NAMES), choice(LOCALES_ANY)
        local = ascii_local(name) or "user"
        domain = choice(DOMAINS)
        roll = rand()
        if roll < 0.01:
            email = choice(INVALID_SHAPES).format(l=f"{local}{user_id}", d=domain)
        elif roll < 0.015 and recent:
            dup_local, dup_domain = choice(recent)
            email = f"{dup_local}@{dup_domain.upper() if rand() < 0.5 else dup_domain.title()}"
        else:
            local = f"{local}{user_id}" if rand() < 0.7 else f"{local}.{user_id}"
            recent.append((local, domain))
            email = f"{local}@{domain}"
        yield user_id, email, name, locale, choice(STATUSES)


def write_users(count: int, seed: int, out: Path) -> None:
    """Columns id,email,name,locale,status: CSV with a header row, or one JSON object a line."""
    rows = user_rows(count, seed)
    if out.suffix == ".csv":
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\r\n")  # RFC 4180 line ends
            writer.writerow(("id", "email", "name", "locale", "status"))
            writer.writerows(rows)
    elif out.suffix == ".jsonl":
        quote = json.encoder.encode_basestring  # what json.dumps uses, without its overhead
        with out.open("w", encoding="utf-8") as f:
            f.writelines(f'{{"id": {user_id}, "email": {quote(email)}, "name": {quote(name)}, '
                         f'"locale": "{locale}", "status": "{status}"}}\n'
                         for user_id, email, name, locale, status in rows)
    else:
        raise SystemExit(f"users: --out must end in .csv or .jsonl, not {out}")


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------

def parse_size(text: str) -> int:
    """'100KB', '1MB', '1.5M', '4096' -> bytes (decimal units: 1 MB = 1,000,000 bytes)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 100KB, 1MB, 10MB)")
    return int(float(match[1]) * SIZE_UNITS[match[2].upper()])


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")


def write_json(path: Path, value: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_args(args: argparse.Namespace) -> dict:
    return {"reword_share": args.reword, "move_share": args.move,
            "addremove_share": args.addremove}


def cmd_doc(args: argparse.Namespace) -> None:
    text, where = render(generate_policy(args.size, args.seed))
    write_text(args.out, text)
    print(f"{args.out}: {len(text.encode()) + 1} bytes, {len(where)} clauses", file=sys.stderr)


def cmd_pair(args: argparse.Namespace) -> None:
    old = generate_policy(args.size, args.seed)
    new, edits = edit_policy(old, random.Random(f"pair:{args.seed}"), **edit_args(args),
                             shuffle=args.shuffle)
    old_text, old_where = render(old)
    new_text, new_where = render(new)
    write_text(args.old, old_text)
    write_text(args.new, new_text)
    truth = truth_document(edits, old_where, new_where)
    write_json(args.truth, truth)
    print(f"{args.old}, {args.new}: {truth['totals']}", file=sys.stderr)


def cmd_site(args: argparse.Namespace) -> None:
    """v01 is `doc` with the same size and seed; each later version edits the one before."""
    policy = generate_policy(args.size, args.seed)
    text, where = render(policy)
    write_text(args.out / "v01.md", text)
    for version in range(2, args.versions + 1):
        rng = random.Random(f"site:{args.seed}:{version}")
        new, edits = edit_policy(policy, rng, **edit_args(args), shuffle=False)
        new.date = policy.date + datetime.timedelta(days=rng.randint(7, 90))
        new_text, new_where = render(new)
        write_text(args.out / f"v{version:02d}.md", new_text)
        truth = truth_document(edits, where, new_where)
        truth["last_updated"] = {"old": date_text(policy.date), "new": date_text(new.date)}
        write_json(args.out / "truth" / f"v{version:02d}.json", truth)
        policy, where = new, new_where
    print(f"{args.out}: {args.versions} versions", file=sys.stderr)


def cmd_users(args: argparse.Namespace) -> None:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_users(args.count, args.seed, args.out)
    print(f"{args.out}: {args.count} users", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, size: str = "1MB") -> None:
        p.add_argument("--size", type=parse_size, default=parse_size(size),
                       help=f"approximate size of a policy (default {size})")
        p.add_argument("--seed", type=int, default=1)

    def edits(p: argparse.ArgumentParser) -> None:
        p.add_argument("--reword", type=float, default=0.02, help="share of clauses reworded")
        p.add_argument("--move", type=float, default=0.01, help="share of clauses moved")
        p.add_argument("--addremove", type=float, default=0.01,
                       help="share of clauses added or removed (half each)")

    p = sub.add_parser("doc", help="one policy")
    common(p)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_doc)

    p = sub.add_parser("pair", help="a policy, an edited version and the truth about the edits")
    common(p)
    edits(p)
    p.add_argument("--shuffle", action="store_true",
                   help="move every clause of the old version somewhere else")
    p.add_argument("--old", type=Path, required=True)
    p.add_argument("--new", type=Path, required=True)
    p.add_argument("--truth", type=Path, required=True)
    p.set_defaults(run=cmd_pair)

    p = sub.add_parser("site", help="a series of versions, each an edit of the one before")
    common(p, "100KB")
    edits(p)
    p.add_argument("--versions", type=int, default=20)
    p.add_argument("--out", type=Path, required=True, help="directory for v01.md, v02.md, ...")
    p.set_defaults(run=cmd_site)

    p = sub.add_parser("users", help="a user export (CSV or JSON Lines)")
    p.add_argument("--count", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.jsonl")
    p.set_defaults(run=cmd_users)

    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
