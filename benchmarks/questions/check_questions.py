#!/usr/bin/env python3
"""Validate the retrieval question sets against the textbook corpus (stdlib only).

Usage:
    python check_questions.py [BOOK_ROOT] [FILE.jsonl ...]

Defaults: BOOK_ROOT=/work/shared/corpora/physical-ai-humanoid-book (or $STUDYHALL_BOOK_ROOT),
files = retrieval_dev.jsonl and retrieval_heldout.jsonl next to this script.

Hard checks (any failure -> exit code 1):
  * every line is a JSON object with the fields id, q, gold, kind
  * ids are unique across all files; kind is one of the allowed kinds
  * gold is a non-empty list of {path, heading}; no gold entry listed twice
  * every gold path exists under BOOK_ROOT (relative posix path)
  * every gold heading is the text of a real Markdown heading line in that file:
    `#`..`######`, whitespace, exactly that text, optional trailing `{#id}`.
    Lines inside fenced code blocks (``` / ~~~) are not headings (a `# comment`
    in a bash or Python block does not count).
  * no question text appears twice
Warnings (reported, not fatal):
  * a gold heading text that occurs more than once in its file (ambiguous)
  * gold sections shared between the dev and held-out sets
  * exact_term questions where no code-like token (or 2-3 word command fragment such as
    `gz sdf -p`) of the query occurs in any gold section
"""

import json
import os
import re
import sys
from collections import Counter, defaultdict

KINDS = {"paraphrase", "keyword", "exact_term", "conceptual"}
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{#[^}]*\})?\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def parse_sections(path):
    """Return a list of (heading_text, level, line_no, body_text) for real headings."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    sections = []
    fence = None
    cur = None
    for i, line in enumerate(lines, 1):
        m = FENCE_RE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and line.strip().strip(marker[0]) == "":
                fence = None
            if cur is not None:
                cur[3].append(line)
            continue
        if fence is None:
            h = HEADING_RE.match(line)
            if h:
                cur = [h.group(2), len(h.group(1)), i, []]
                sections.append(cur)
                continue
        if cur is not None:
            cur[3].append(line)
    return [(t, lvl, ln, "\n".join(body)) for t, lvl, ln, body in sections]


def code_tokens(q):
    """Tokens that look like identifiers/commands: contain _ / . : or backticks, or are ALLCAPS/camelCase."""
    toks = set(re.findall(r"`([^`]+)`", q))
    for t in re.findall(r"[A-Za-z0-9_./:+\-]+", q):
        if re.search(r"[_/.:]", t) or (len(t) > 3 and t.isupper()) or re.search(r"[a-z][A-Z]", t):
            toks.add(t.strip(".:"))
    return {t for t in toks if len(t) > 2}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get("STUDYHALL_BOOK_ROOT", "/work/shared/corpora/physical-ai-humanoid-book")
    files = []
    for a in argv:
        if a.endswith(".jsonl"):
            files.append(a)
        else:
            root = a
    if not files:
        files = [os.path.join(here, "retrieval_dev.jsonl"), os.path.join(here, "retrieval_heldout.jsonl")]

    errors, warnings = [], []
    cache = {}
    ids, questions = Counter(), Counter()
    gold_by_file = defaultdict(set)
    kinds_by_file = {}

    def sections_of(rel):
        if rel not in cache:
            cache[rel] = parse_sections(os.path.join(root, rel))
        return cache[rel]

    for fpath in files:
        name = os.path.basename(fpath)
        kinds = Counter()
        with open(fpath, encoding="utf-8") as f:
            for ln, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                where = f"{name}:{ln}"
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as e:
                    errors.append(f"{where}: invalid JSON ({e})")
                    continue
                if not isinstance(obj, dict):
                    errors.append(f"{where}: not a JSON object")
                    continue
                missing = [k for k in ("id", "q", "gold", "kind") if k not in obj]
                if missing:
                    errors.append(f"{where}: missing fields {missing}")
                    continue
                qid, q, gold, kind = obj["id"], obj["q"], obj["gold"], obj["kind"]
                where = f"{name}:{ln} ({qid})"
                if not isinstance(qid, str) or not qid:
                    errors.append(f"{where}: id must be a non-empty string")
                ids[qid] += 1
                if not isinstance(q, str) or not q.strip():
                    errors.append(f"{where}: q must be a non-empty string")
                else:
                    questions[q.strip().lower()] += 1
                if kind not in KINDS:
                    errors.append(f"{where}: kind {kind!r} not in {sorted(KINDS)}")
                kinds[kind] += 1
                if not isinstance(gold, list) or not gold:
                    errors.append(f"{where}: gold must be a non-empty list")
                    continue
                seen = set()
                bodies = []
                for g in gold:
                    if not isinstance(g, dict) or set(g) != {"path", "heading"}:
                        errors.append(f"{where}: gold entry must have exactly path and heading: {g!r}")
                        continue
                    p, h = g["path"], g["heading"]
                    if (p, h) in seen:
                        errors.append(f"{where}: duplicate gold entry {p} :: {h}")
                    seen.add((p, h))
                    if p.startswith("/") or "\\" in p or ".." in p.split("/"):
                        errors.append(f"{where}: path must be relative posix: {p}")
                        continue
                    if not os.path.isfile(os.path.join(root, p)):
                        errors.append(f"{where}: gold path does not exist: {p}")
                        continue
                    matches = [s for s in sections_of(p) if s[0] == h]
                    if not matches:
                        errors.append(f"{where}: heading not found in {p}: {h!r}")
                        continue
                    if len(matches) > 1:
                        warnings.append(f"{where}: heading {h!r} occurs {len(matches)}x in {p}")
                    bodies.extend(s[3] for s in matches)
                    gold_by_file[name].add((p, h))
                if kind == "exact_term" and bodies:
                    toks = code_tokens(q)
                    words = q.split()
                    grams = {" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}
                    toks |= {g for g in grams if re.search(r"[-_/.:=]", g)}
                    if not any(t.lower() in b.lower() for t in toks for b in bodies):
                        warnings.append(
                            f"{where}: exact_term query has no code-like token found in its gold "
                            f"sections (tokens={sorted(toks)})"
                        )
        kinds_by_file[name] = kinds

    for qid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {qid!r} ({n}x)")
    for q, n in questions.items():
        if n > 1:
            errors.append(f"duplicate question text ({n}x): {q!r}")
    names = list(gold_by_file)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            shared = gold_by_file[names[i]] & gold_by_file[names[j]]
            for p, h in sorted(shared):
                warnings.append(f"gold section shared by {names[i]} and {names[j]}: {p} :: {h}")

    for name, kinds in kinds_by_file.items():
        total = sum(kinds.values())
        mix = ", ".join(f"{k}={kinds.get(k, 0)}" for k in sorted(KINDS))
        print(f"{name}: {total} questions ({mix})")
    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
