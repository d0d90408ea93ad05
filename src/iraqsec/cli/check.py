"""`iraqsec check`: report every finding, then a tally."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import replace

import click

from iraqsec.reading import gitdiff
from iraqsec.reading.ledger import actor_files, expand, place_files
from iraqsec.record.findings import DEFAULT_CAP, Finding, FindingLog, Omitted, Severity, omitted_lines, tally, visible
from iraqsec.record.rules import WARNING_RULES

from .common import UsageFailure, ledger_paths, load_ledger
from .options import quiet_for_json


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--allow", "allowed", multiple=True, type=click.Choice(list(WARNING_RULES)), metavar="RULE",
              help="Under --strict, keep warnings of RULE warnings (repeatable), e.g. --allow ungraded "
                   "while a ledger's evidence grades are being written.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default=None,
              callback=quiet_for_json, help="Output format (default: text; github when $GITHUB_ACTIONS is set).")
@click.option("--new-since", "since", metavar="REF",
              help="Report only what records added or changed since git revision REF bring "
                   "(a pull request's own findings).")
@click.option("--max-per-rule", "cap", type=click.IntRange(min=0), default=DEFAULT_CAP, show_default=True,
              metavar="N", help="Show at most N findings of each rule, then one line counting the rest "
                                "(0: show every finding).")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], strict: bool, allowed: tuple[str, ...], fmt: str | None,
          since: str | None, cap: int) -> None:
    """Check ledger files and report every problem.

    With --new-since REF, each file is compared with the same file at REF and
    only findings in records added or changed since then are reported, with
    those that involve them (a new id that duplicates an old one, ...) and
    YAML syntax errors.

    Findings are shown up to --max-per-rule of each rule (first in file
    order), then one line per rule counts the rest; the closing tally and
    the exit status count them all.

    Exit status: 0 no errors, 1 errors found, 2 the check could not run."""
    chosen = ledger_paths(ctx, paths)
    limit = cap or None
    # --new-since filters the findings after loading: keep them all until then.
    ledger = load_ledger(chosen, cap=None if since is not None else limit)
    findings = [replace(f, severity=_severity(f.rule, f.severity, strict, allowed)) for f in ledger.findings]
    note = None
    if since is not None:
        findings, note = _new_since(chosen, findings, since)
    log = FindingLog(limit)
    log.add(findings)
    findings, omitted = log.kept, _merged(log.omitted(), ledger.omitted, strict, allowed)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") else "text")
    if fmt == "json":
        click.echo(_json(findings))
    else:
        for finding in findings:
            click.echo(_github(finding) if fmt == "github" else finding.as_text())
    for line in omitted_lines(omitted, limit):
        click.echo(line, err=fmt != "text")
    if fmt != "json":
        if note:
            click.echo(note, err=fmt == "github")
        click.echo(tally(findings, ledger.record_count, len(ledger.files), omitted), err=fmt == "github")
    errors = any(f.severity == "error" for f in findings) or any(s == "error" for _, s in omitted)
    sys.exit(1 if errors else 0)


def _severity(rule: str, severity: Severity, strict: bool, allowed: tuple[str, ...]) -> Severity:
    """--strict makes every finding an error, but the warnings of --allow rules."""
    return "error" if strict and rule not in allowed else severity


def _merged(shown: Omitted, loaded: Omitted, strict: bool, allowed: tuple[str, ...]) -> Omitted:
    """Findings cut while loading and while showing, as --strict counts them."""
    out: Omitted = {}
    for (rule, severity), n in [*loaded.items(), *shown.items()]:
        key = (rule, _severity(rule, severity, strict, allowed))
        out[key] = out.get(key, 0) + n
    return out


def _new_since(paths: list[str], findings: list[Finding], ref: str) -> tuple[list[Finding], str]:
    files = expand(paths)
    try:
        changes = gitdiff.compare(files, actor_files(files), ref, place_files(files))
    except gitdiff.GitError as exc:
        raise UsageFailure(str(exc)) from None
    kept = [f for f in findings if changes.keep(f)]
    count = changes.new_count
    return kept, f"{count:,} record{'' if count == 1 else 's'} added or changed since {ref}"


def _json(findings: list[Finding]) -> str:
    """Every finding as JSON.  json.dumps escapes C0 controls; C1 ones (which
    some terminals obey) are escaped here too."""
    text = json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _github(finding: Finding) -> str:
    """A GitHub Actions workflow command, escaped as the runner expects."""
    def data(text: str) -> str:
        return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    return (f"::{finding.severity} file={prop(finding.path)},line={finding.line},col={finding.col},"
            f"title={prop(finding.rule)}::{data(finding.message)}")
