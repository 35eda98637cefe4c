"""Rich HTML for notebooks: tables of lists, pods with coloured phases, decisions and proofs."""

from __future__ import annotations

from html import escape
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .frames import rows
from .models import Decision, Pod, Proof

PHASE_COLOURS = {
    "Running": "#1a7f37",
    "Succeeded": "#0969da",
    "Pending": "#9a6700",
    "Failed": "#cf222e",
    "Unknown": "#6e7781",
    "Scheduled": "#1a7f37",
    "Unschedulable": "#cf222e",
    "Error": "#cf222e",
    "verified": "#1a7f37",
    "proved": "#0969da",
    "invalid": "#cf222e",
    "True": "#1a7f37",
    "False": "#cf222e",
}
STATUS_COLUMNS = ("phase", "result", "status", "ready")
MAX_ROWS = 200


def badge(text: Any) -> str:
    colour = PHASE_COLOURS.get(str(text), "#6e7781")
    return (
        f'<span style="background:{colour};color:#fff;border-radius:8px;padding:0 6px;'
        f'font-size:0.85em">{escape(str(text))}</span>'
    )


def cell(column: str, value: Any) -> str:
    if value is None:
        return "<td></td>"
    if column in STATUS_COLUMNS:
        return f"<td>{badge(value)}</td>"
    return f"<td>{escape(str(value))}</td>"


def table(records: Sequence[Dict[str, Any]], title: str = "", total: Optional[int] = None) -> str:
    columns: List[str] = []
    for record in records:
        for key in record:
            if key not in columns:
                columns.append(key)
    shown = records[:MAX_ROWS]
    head = "".join(f"<th style='text-align:left'>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell(c, r.get(c)) for c in columns) + "</tr>" for r in shown)
    count = total if total is not None else len(records)
    more = f" (first {MAX_ROWS} shown)" if len(records) > MAX_ROWS else ""
    caption = f"<caption style='text-align:left'><b>{escape(title)}</b> {count} items{more}</caption>"
    return f"<table class='entroos'>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def list_html(items: Iterable[Any], title: Optional[str] = None) -> str:
    listed = list(items)
    kind = title if title is not None else str(getattr(items, "kind", "") or "List")
    return table(rows(listed), kind)


def pod_html(pod: Pod) -> str:
    containers = "".join(
        f"<li>{escape(c.name)}: <code>{escape(c.image or '')}</code></li>" for c in pod.spec.containers
    )
    conditions = " ".join(
        f"{escape(c.type)} {badge(c.status)}" for c in pod.status.conditions or []
    )
    return (
        f"<div class='entroos-pod'><b>Pod {escape(pod.metadata.namespace or '')}/{escape(pod.name)}</b> "
        f"{badge(pod.phase)}<br>node: <code>{escape(pod.spec.nodeName or '—')}</code> · ip: "
        f"<code>{escape(pod.status.podIP or '—')}</code><br>{conditions}<ul>{containers}</ul></div>"
    )


def decision_html(d: Decision) -> str:
    top = table(
        [{"node": c.node, "score": c.score, "entropy_after": c.entropyAfter} for c in d.top], "top candidates"
    )
    reasons = "".join(f"<li>{escape(k)}: {v}</li>" for k, v in d.filterReasons.items())
    return (
        f"<div class='entroos-decision'><b>{escape(d.pod)}</b> {badge(d.result)} → "
        f"<code>{escape(d.node or '—')}</code> (profile <code>{escape(d.profile)}</code>, "
        f"{d.feasible}/{d.nodes} nodes feasible, {d.durationMs:.2f} ms)<br>{escape(d.message)}<br>"
        f"entropy {d.entropyBefore} → {d.entropyAfter if d.entropyAfter is not None else '—'}"
        f"{top}{'<ul>' + reasons + '</ul>' if reasons else ''}</div>"
    )


def proof_html(p: Proof) -> str:
    placements = table([{"namespace": x.namespace, "pod": x.name, "node": x.node} for x in p.placements], "placements")
    return (
        f"<div class='entroos-proof'><b>Proof {escape(p.id)}</b> {badge(p.status)} circuit "
        f"<code>{escape(p.circuit)}</code>, {len(p.publicSignals)} public signals, proved in "
        f"{p.proveMs if p.proveMs is not None else '—'} ms{placements}</div>"
    )
