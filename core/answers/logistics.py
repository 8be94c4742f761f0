"""Is a question about how this class is run, rather than about what the book teaches?

A textbook is the same for every class that uses it, so it cannot know this class's dates, rooms,
links, people, or the exceptions an instructor grants: "when is the midterm?", "can I get an
extension?", "what's the zoom link?". Such questions share words with the book ("lab", "exam",
"office hours", "assessment" are all in its educator and assessment pages), so retrieval alone
lets some through. The patterns below look for the *kind of fact* asked (a date or time, a place,
a contact, a link or course platform, a deadline or an exception to it, grade administration,
enrolment, attendance, a midterm) and never for a word the book also uses on its own: "how long are
lab sessions?" and "what do I hand in for the module 1 assessment?" (the book answers both) do not
match, "which room is the exam in?" does. Precise rather than complete: what slips through is left
to the retrieval signals (core/answers/coverage.py).
"""

from __future__ import annotations

import re

# Things a class schedules: they have a date, a room, a link. Not "test" (unit tests) nor a bare
# "final" ("the final transform"); "class" and "lab" not when they name code ("the class method").
_EVENT = (
    r"(?:midterms?|exams?|quiz(?:zes)?|finals|final(?= exam| demo| presentation|\s*[?,.!]|$)|"
    r"lectures?|lab sessions?|labs?|tutorials?|seminars?|recitations?|presentations?|demo day|"
    r"office hours|class meetings?|classes|class|assignments?|problem sets?|homeworks?)"
    r"(?!'s|\w| ?(?:file|node|topic|code|script|data|method|attribute|variable|instance|name|definition))"
)
# ... and what follows the event when a question asks when it happens ("when is the lab?", "when
# does class start"), unlike "when does the lab environment finish installing?"
_HAPPENS = (
    r"(?=\s*(?:[?,.!]|$)| (?:is|are|held|scheduled|happening|due|over|open|cancell?ed|this|next|on|in|at|"
    r"tomorrow|today|going|supposed|starts?|starting|begins?|ends?|finish|happen|take place|meet|and|or)\b)"
)
_PERSON = r"(?:instructors?|professors?|prof|teachers?|lecturers?|tas|ta|teaching assistants?|tutors?)"
_WORK = (
    r"(?:assignments?|homework|reports?|projects?|exercises?|labs?|capstone|essays?|submissions?|"
    r"assessments?)"
)
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DEICTIC = (
    rf"(?:today|tonight|tomorrow|yesterday|this (?:week|weekend|semester|term|{_DAY})|"
    rf"next (?:week|term|semester|{_DAY})|on {_DAY})"
)
_HOLIDAY = r"(?:thanksgiving|spring break|winter break|fall break|reading week|bank holiday|holidays)"
_ROOM = r"(?<!living )(?<!multi-)\b(?:room|building|classroom|lecture hall|venue)\b"

_PATTERNS: dict[str, tuple[str, ...]] = {
    # deadlines and the exceptions only an instructor grants
    "deadline": (
        # not ROS 2's "deadline" QoS policy nor a real-time deadline miss
        r"(?<!qos )\b(?:deadline|due date)s?\b(?! ?(?:qos|polic|miss|missed|misses|callback|event))",
        r"\b(?:is|are) (?:it|this|that|they|the \w+(?: \w+)?) due\b",
        rf"\bdue (?:on|by|at|tonight|tomorrow|today|this|next|before|after|{_DAY})\b",
        r"\blate (?:penalty|penalties|submissions?|work|policy|days?)\b",
        r"\b(?:hand|turn|submit|send)(?:ed|ing|s)? (?:\w+ ){0,4}(?:in )?late\b",
        # an extension *of a deadline*, not a file or Isaac Sim extension
        rf"\b(?:get|ask for|request|grant|give me|give us|need|have)(?: an?| some| more| another| any)? "
        rf"(?:\w+ )?extension(?= ?(?:[?,.!]|$|until|till|of \d|if|because|since|please|"
        rf"(?:on|for) (?:the |my |our |this )?(?:\w+ ){{0,2}}{_WORK}))",
        rf"\bextension (?:on|for) (?:the |my |our |this )?(?:\w+ ){{0,2}}{_WORK}\b",
    ),
    "grades": (
        r"\bre-?grade\b|\bre-?mark\b",
        r"\b(?:appeal|dispute|contest) (?:my|the|a|this) (?:grade|mark|score)\b",
        r"\b(?:grades?|marks?|results?|scores?) (?:be |get |are |were )?(?:posted|released|published|out)\b",
        r"\bwhen (?:will|do|can) (?:i|we) (?:get|see) (?:my|our|the) (?:grades?|marks?|results?|feedback)\b",
        r"\b(?:get|getting|got|give|giving|hand|handing) (?:\w+ ){0,2}(?:grades?|marks?|scores?|results?) "
        r"back\b",
        r"\b(?:grading|grade|grades) curve\b|\bcurve (?:the|this|our) (?:grades|exam|marks)\b",
    ),
    "contact": (
        rf"\b{_PERSON}(?:'s|s')? (?:\w+ )?(?:name|names|email|e-mail|contact|phone|number|address)\b",
        rf"\b{_PERSON}(?:'s|s')? (?:office(?! hours)|location)\b",
        # what the instructor said or posted
        rf"\b(?:did|has|have) (?:the |our |my )?{_PERSON} (?:say|said|mention|post|announce|upload|share)",
        rf"\b{_PERSON} (?:said|mentioned|posted|announced|uploaded|shared)\b",
        rf"\b(?:email|e-mail|contact|message|reach|dm)(?: to)? (?:the |my |our )?{_PERSON}\b",
        rf"\bwho (?:is|are) (?:the |our |my )?{_PERSON}\b",
        r"\bwho (?:teaches|grades|marks|runs) (?:the|this|our)\b",
    ),
    # where the class lives online
    "platform": (
        r"\b(?:on|via|over|in) zoom\b|\bzoom (?:link|meeting|call|room|session|lecture|class|recording)s?\b",
        r"\b(?:moodle|blackboard|gradescope|piazza|brightspace)\b",
        r"\b(?:invite|meeting|class|course|lecture|recording) links?\b|\b(?:lecture|class) recordings?\b",
        r"\blinks? (?:to|for) (?:the )?(?:class|course|lecture|meeting|recordings?|server|office hours)\b",
        r"\b(?:class|course) (?:discord|slack|server|website|portal)\b",
        r"\bwhere (?:do|should|can|will) (?:i|we) (?:submit|upload|hand in|turn in|find the recordings?)\b",
        r"\b(?:submission|upload) (?:portal|link|box|page|site)\b",
        r"\b(?:submit|upload|hand in|turn in)(?: \w+){0,3} (?:on|to|via|through) "
        r"(?:canvas|moodle|blackboard|gradescope|the portal|email)\b",
    ),
    "enrolment": (
        r"\bwait ?list(?:ed)?\b",
        r"\benrol(?:l|ls|led|ling|ment|lment)?\b",
        r"\bregister(?:ed)? for (?:the|this) (?:course|class)\b",
        r"\b(?:drop|withdraw from|audit) (?:the|this) (?:course|class)\b",
        r"\b(?:refund|tuition)\b",
        r"\b(?:switch|swap|move|change|transfer)\w* (?:\w+ ){0,4}(?:lab|tutorial|discussion|recitation) "
        r"(?:group|section)s?\b",
        r"\b(?:which|what) (?:section|lab group|tutorial group) (?:am i|are we|is my)\b",
    ),
    "attendance": (
        r"\battendance\b",
        rf"\b(?:late|early) (?:to|for) (?:the |my |our |a )?(?:\w+ )?{_EVENT}",
        r"\b(?:show up|arrive|turn up|come in|leave)(?: \w+){0,3} (?:late|early)\b",
        rf"\bmiss(?:ed|ing)? (?:the |a |an |next |this |today'?s |tomorrow'?s |{_DAY}'?s )?(?:\w+ )?{_EVENT}",
        r"\b(?:sick|doctor'?s|medical) (?:note|certificate|leave)\b",
    ),
    # a textbook may end its chapters with quizzes, but it never holds a class's midterm or final
    "exams": (
        r"\bmidterms?\b|\bfinal exams?\b|\bfinals\b",
        r"\b(?:open|closed)[- ]book\b",
    ),
    "integrity": (
        r"\bacademic (?:integrity|misconduct|dishonesty)\b|\bhonou?r code\b|\bcollaboration policy\b",
        r"\bplagiari[sz](?:e|ed|ing|m)\b|\bcheating\b",
    ),
    # when or where something of this class happens (last: the most general, the others say more)
    "schedule": (
        rf"\b(?:when|what time) (?:is|are|will|do|does) (?:the |our |my |this |next |each )?(?:\w+ )?{_EVENT}"
        + _HAPPENS,
        r"\bwhat (?:date|day)\b(?! ?(?:format|type|field|string|stamp))",
        rf"\b{_EVENT} (?:schedule|timetable|dates?|starts?|begins?)\b",
        rf"\b{_EVENT} (?:is |been |got )?(?:cancell?ed|postponed|rescheduled|moved)\b",
        # "this week", "tomorrow", a weekday, a holiday: only the class knows its calendar
        rf"\b{_EVENT} {_DEICTIC}\b",
        rf"^(?=.*\b{_DAY}'?s?\b)(?=.*(?:\b{_EVENT}|\bhand (?:\w+ ){{0,5}}in\b|\bsubmit|\bdue\b))",
        rf"\b{_HOLIDAY}\b",
        r"\b(?:in[- ]person|online) or (?:in[- ]person|online)\b",
        r"\b(?:semester|term) (?:starts?|ends?|begins?)\b",
    ),
    "place": (
        rf"{_ROOM}.{{0,30}}\b{_EVENT}|\b{_EVENT}.{{0,30}}{_ROOM}",
        rf"\bwhere (?:is|are|will|do we have|do we meet for) (?:the |our |my |this |next )?(?:\w+ )?{_EVENT}"
        r"(?: (?:be|held|located|happening|taking place))?"
        r"\s*(?:[?,.!]|$|\b(?:this|next|on|at|today|tomorrow)\b)",
    ),
}

# What the book cannot know about a class, by kind, for the answer that declines.
WHAT = {
    "deadline": "deadlines, late work or extensions",
    "schedule": "dates and times",
    "place": "rooms and places",
    "grades": "grading arrangements",
    "contact": "staff or how to reach them",
    "platform": "links and online spaces",
    "enrolment": "enrolment",
    "attendance": "attendance rules",
    "exams": "exams and how they are run",
    "integrity": "academic-integrity rules",
}
_COMPILED = {kind: [re.compile(p) for p in patterns] for kind, patterns in _PATTERNS.items()}


def _normal(question: str) -> str:
    # lower case, curly quotes straight, "when's" read as "when is"
    text = question.lower().replace("\u2019", "'")
    text = re.sub(r"\b(when|where|what|who)'?s\b", r"\1 is", text)
    return re.sub(r"\s+", " ", text)


def logistics_kind(question: str) -> str | None:
    """The kind of class-logistics fact the question asks for ("deadline", "place", …), if any."""
    text = _normal(question)
    for kind, patterns in _COMPILED.items():
        if any(p.search(text) for p in patterns):
            return kind
    return None
