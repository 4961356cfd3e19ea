"""The table: one row per page and persona, on the screen, in Markdown and JSON (var/bench/)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from innocities.demo.bench import BASE_DIR, RATIO_LIMIT


def combine(
    big: list[dict[str, Any]], small: list[dict[str, Any]], timings: dict[str, Any]
) -> list[dict[str, Any]]:
    """One row per page and persona: time on the big database, queries on both, the verdict."""
    small_pages = {f"{page['label']} | {page['persona']}": page for page in small}
    rows = []
    for page in big:
        key = f"{page['label']} | {page['persona']}"
        timing = timings["pages"].get(key)
        if timing is None:
            continue  # left out with --only
        ratio = timing["p50_ms"] / timing["healthz_p50_ms"] if timing["healthz_p50_ms"] else None
        small_page = small_pages.get(key)
        queries_small = small_page["queries"] if small_page is not None else None
        problems = []
        if page["kind"] == "html" and ratio is not None and ratio > RATIO_LIMIT:
            problems.append(f"> {RATIO_LIMIT}× /healthz/")
        if queries_small is None:
            problems.append("not on the small database")
        elif queries_small != page["queries"]:
            problems.append("queries differ")
        if not timing["status_ok"]:
            problems.append("not 200 on the server")
        rows.append(
            {
                "page": page["label"],
                "persona": page["persona"],
                "path": page["path"],
                # The objects are the biggest of each database, so the small one's may differ.
                "path_small": small_page["path"] if small_page is not None else None,
                "kind": page["kind"],
                "p50_ms": timing["p50_ms"],
                "p95_ms": timing["p95_ms"],
                "ratio": round(ratio, 1) if ratio is not None else None,
                "queries_big": page["queries"],
                "queries_small": queries_small,
                "kb": round(page["size"] / 1024),
                "problems": problems,
            }
        )
    return rows


HEADER = ("page", "persona", "p50 ms", "p95 ms", "×healthz", "queries", "small", "KB", "")


def _cells(row: Mapping[str, Any]) -> tuple[str, ...]:
    page = row["page"] + (" (download)" if row["kind"] == "download" else "")
    return (
        page,
        row["persona"],
        f"{row['p50_ms']:.1f}",
        f"{row['p95_ms']:.1f}",
        "–" if row["ratio"] is None else f"{row['ratio']:.1f}",
        str(row["queries_big"]),
        "–" if row["queries_small"] is None else str(row["queries_small"]),
        str(row["kb"]),
        "✗ " + "; ".join(row["problems"]) if row["problems"] else "",
    )


def text_table(rows: Sequence[Mapping[str, Any]]) -> str:
    lines = [HEADER, *(_cells(row) for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADER) - 1)]
    numeric = {2, 3, 4, 5, 6, 7}
    out = []
    for line in lines:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line[:-1])
        ]
        out.append("  ".join(cells) + ("  " + line[-1] if line[-1] else ""))
    return "\n".join(out)


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def scan_lines(scans: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [
        f"{size}: {scan['seconds']:.2f} s (runs {', '.join(f'{s:.2f}' for s in scan['runs'])}), "
        f"{scan['queries']} queries, {scan['created']} reminders, peak RSS "
        f"{scan['peak_rss_mb']} MB (+{scan['rss_growth_mb']} MB in the scan), Python's peak "
        f"{scan['python_peak_mb']} MB"
        for size, scan in scans.items()
    ]


def differing_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """A page whose query count differs, with the path measured in each database."""
    return [
        f"- {row['page']} as {row['persona']}: {row['queries_big']} queries at {row['path']} "
        f"(big), {row['queries_small']} at {row['path_small']} (small)"
        for row in rows
    ]


def write_report(report: dict[str, Any], folder: Path, say: Callable[[str], None]) -> int:
    """Print the table, the scan and the worst pages; write JSON and Markdown; the exit status."""
    rows = report["rows"]
    failing = [row for row in rows if row["problems"]]
    html = [row for row in rows if row["kind"] == "html"]
    worst = sorted(html, key=lambda row: row["ratio"] or 0, reverse=True)[:15]
    differing = [
        row
        for row in rows
        if row["queries_small"] is not None and row["queries_small"] != row["queries_big"]
    ]
    summary = [
        f"Pages at scale {report['scale']['big']} ({report['databases']['big']}); queries also "
        f"at {report['scale']['small']} ({report['databases']['small']}). /healthz/ p50 "
        f"{report['healthz_p50_ms']} ms; {report['requests']} requests a page, each followed by "
        "one to /healthz/; ×healthz is the page's p50 over the p50 of its own /healthz/ "
        f"requests. ✗: an HTML page over {RATIO_LIMIT}×, or queries that differ between the "
        "two sizes (downloads are held to the second only).",
    ]
    notes: list[str] = []
    if report["unresolved"]:
        notes.append(f"URL names with no resolver (add one): {', '.join(report['unresolved'])}")
    # A URL name no persona got a page from: for want of data (worth seeding), or because it
    # is no page for anyone (a redirect to log in again, a POST-only URL).
    unmeasured = report["unmeasured"]
    wanting = {name: why for name, why in unmeasured.items() if "nothing to show" in why}
    if wanting:
        notes.append("Not measured, nothing in the data to show:")
        notes += [f"  {name}: {why}" for name, why in sorted(wanting.items())]
    others = sorted(set(unmeasured) - set(wanting))
    if others:
        notes.append(
            "No page for any persona (redirects or 405; statuses in the JSON): " + ", ".join(others)
        )
    if report["errors"]:
        notes.append("Errors:")
        notes += [f"  {error}" for error in report["errors"]]
    verdict = (
        f"{len(failing)} of {len(rows)} lines fail"
        + (f", {len(report['errors'])} errors" if report["errors"] else "")
        if failing or report["errors"]
        else f"all {len(rows)} lines within bounds"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (folder / f"bench-{stamp}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    markdown = "\n\n".join(
        [
            "\n".join(summary),
            markdown_table(rows),
            "Reminder scan:\n\n" + "\n".join(f"- {line}" for line in scan_lines(report["scan"])),
            "Worst HTML pages by ×healthz:\n\n" + markdown_table(worst),
            "Query counts that differ between the sizes (the objects are each database's own "
            "biggest, so the paths may differ too):\n\n"
            + ("\n".join(differing_lines(differing)) if differing else "none"),
            "\n".join(notes),
            f"{verdict}. Stages (s): {report['stages_seconds']}; total {report['total_seconds']} s.",
        ]
    )
    (folder / f"bench-{stamp}.md").write_text(markdown + "\n")
    shutil.copyfile(folder / f"bench-{stamp}.md", folder / "latest.md")
    shutil.copyfile(folder / f"bench-{stamp}.json", folder / "latest.json")
    say("")
    say(summary[0])
    say("")
    say(text_table(rows))
    say("")
    say("Reminder scan:")
    for line in scan_lines(report["scan"]):
        say(f"  {line}")
    say("")
    say("Worst HTML pages by ×healthz:")
    say(text_table(worst))
    say("")
    say("Query counts that differ between the sizes:")
    say("\n".join(differing_lines(differing)) if differing else "  none")
    if notes:
        say("")
        say("\n".join(notes))
    say("")
    say(f"{verdict}. Total {report['total_seconds']} s; stages (s): {report['stages_seconds']}")
    say(f"Written: {(folder / f'bench-{stamp}.md').relative_to(BASE_DIR)} and .json")
    return 1 if failing or report["errors"] or report["unresolved"] else 0
