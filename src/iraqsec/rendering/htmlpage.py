"""The report page: one self-contained HTML document.

Everything is inline (CSS, one script, SVG); a Content-Security-Policy
allows only that style and that script, by hash, and images from `data:`,
so opening the page makes no request of any kind.  Without JavaScript the
incident table is a plain table whose rows open (`<details>`) to the
summary, notes, actors and sources; the script only adds searching,
sorting and filtering, and names the map point in focus.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence

from iraqsec.analysis.page import ActorRow, GovernorateCount, Headline, Page, grade
from iraqsec.analysis.reports import ESCALATION_MIN, ESCALATION_RATIO, ESCALATION_WINDOW, EVIDENCE_ORDER, Pivot
from iraqsec.record import vocab
from iraqsec.record.model import Incident, Source
from iraqsec.rendering.markup import AttrValue, Markup, el, join, link, void
from iraqsec.rendering.plain import shown_date
from iraqsec.rendering.render import count as shown_count
from iraqsec.rendering.svgcharts import (
    GRADE_COLOURS,
    KILLED_COLOUR,
    PRECISION_WORDS,
    WIDE_MONTHS,
    WOUNDED_COLOUR,
    map_svg,
    precision_mark,
    tactic_colour,
    trend_chart,
)

SHADES = 6  # cell shading steps of the pivots: s0 (empty) to s5 (the table's maximum)

CSS = """
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9de;--bg:#fff;--accent:#1b4f8a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:16px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line)}
.muted,.note{color:var(--muted)}.note{font-size:.9em}
.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:12px 0;padding:0;list-style:none}
.facts li{min-width:8em}.facts b{display:block;font-size:1.5em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9em}
th,td{padding:3px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.pivot td.n{min-width:2.2em}.pivot tbody th,.date{white-space:nowrap}.pivot tfoot td,.pivot tfoot th{font-weight:bold}
.s0{color:#bbb}.s1{background:#e8eef7}.s2{background:#c9d8ee}.s3{background:#9fbbe0}
.s4{background:#6f97cc;color:#fff}.s5{background:#1b4f8a;color:#fff}
.chart text,.map text{font:10px system-ui,sans-serif;fill:#333}
.chart .panel{font-weight:bold}.grid{stroke:#e4e4e8;stroke-width:1}.esc-band{fill:#fdecea}
.chart .esc-mark,.esc-mark{font-size:12px;fill:#c62828;color:#c62828}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.85em;margin:6px 0;padding:0;list-style:none}
.legend svg{vertical-align:middle;margin-right:3px}
.map-wrap{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.map-wrap>div{flex:1 1 340px;max-width:600px}
.map{width:100%;height:auto;border:1px solid var(--line);background:#f7f9fb}
.outline{fill:#fdfdf8;stroke:#555;stroke-width:1}
.gov-dot{fill:#777;fill-opacity:.18;stroke:#666;stroke-width:.8}
.gov-label{paint-order:stroke;stroke:#fff;stroke-width:3px}
.pt{cursor:pointer;outline:none}.pt:focus circle,.pt:hover circle{stroke:#000;stroke-width:2.5}
#map-caption{min-height:1.4em;margin:.3em 0;font-size:.9em}caption{text-align:left}
#incidents td details summary{cursor:pointer}#incidents tr:target{background:#fff3c4}
.badge{display:inline-block;margin-left:.4em;padding:0 .3em;border:1px solid var(--muted);border-radius:3px;
 font-size:.8em;color:var(--muted)}
#incidents .more{margin:.3em 0 .5em;max-width:44em}
#incidents .more a{overflow-wrap:anywhere}
#incidents .more dt{font-weight:bold;margin-top:.3em}#incidents .more dd{margin:0}
#controls[hidden]{display:none}#controls{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
#controls input,#controls select{font:inherit;padding:3px}
th button{font:inherit;font-weight:bold;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
.actors .front td:first-child{padding-left:1.6em}
@media (max-width:600px){body{font-size:14px}main{padding:8px}.facts b{font-size:1.25em}
 #incidents,#incidents thead,#incidents tbody{display:block}
 #incidents thead tr,#incidents tbody tr{display:flex;flex-wrap:wrap;border-bottom:1px solid var(--line)}
 #incidents tbody tr[hidden]{display:none}
 #incidents th,#incidents td{border:0;padding:2px 8px 2px 0}
 #incidents td.target{order:9;flex-basis:100%}#incidents th.target{display:none}
 #incidents td[data-label]::before{content:attr(data-label) " ";color:var(--muted)}}
@media print{#controls,#map-caption{display:none}.scroll{overflow:visible}
 .chart{max-width:100%;height:auto}table{font-size:.75em}
 h2{break-after:avoid}tr,svg{break-inside:avoid}a{color:inherit}main{max-width:none}}
"""

SCRIPT = r"""
(function(){
"use strict";
var table=document.getElementById("incidents");
var controls=document.getElementById("controls");
if(!table||!controls){return;}
var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
var search=document.getElementById("q");var shown=document.getElementById("shown");
var fields=[".s-place",".s-target",".s-summary",".s-notes"];
var texts=new Map();
rows.forEach(function(row){
  var parts=fields.map(function(sel){var e=row.querySelector(sel);return e?e.textContent:"";});
  texts.set(row,parts.join("\n").toLowerCase());
});
var selects=controls.querySelectorAll("select");
controls.hidden=false;
function apply(){
  var needle=search.value.toLowerCase();var n=0;
  rows.forEach(function(row){
    var ok=needle===""||texts.get(row).indexOf(needle)>=0;
    for(var i=0;i<selects.length&&ok;i++){
      var want=selects[i].value;
      if(want!==""&&row.getAttribute("data-"+selects[i].name)!==want){ok=false;}
    }
    row.hidden=!ok;if(ok){n++;}
  });
  shown.textContent=n+" of "+rows.length+" incidents shown";
}
search.addEventListener("input",apply);
controls.addEventListener("submit",function(e){e.preventDefault();});
for(var i=0;i<selects.length;i++){selects[i].addEventListener("change",apply);}
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th){
  var key=th.getAttribute("data-key");if(!key){return;}
  var button=document.createElement("button");button.type="button";
  button.textContent=th.textContent;th.textContent="";th.appendChild(button);
  button.addEventListener("click",function(){
    var dir=th.getAttribute("aria-sort")==="ascending"?"descending":"ascending";
    Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
    th.setAttribute("aria-sort",dir);
    var numeric=th.classList.contains("n");
    rows.sort(function(a,b){
      var x=a.getAttribute("data-"+key),y=b.getAttribute("data-"+key),c;
      if(numeric){x=x===""?-1:Number(x);y=y===""?-1:Number(y);c=x-y;}
      else{c=x<y?-1:(x>y?1:0);}
      if(c===0){c=a.getAttribute("data-order")-b.getAttribute("data-order");}
      return dir==="ascending"?c:-c;
    });
    rows.forEach(function(row){body.appendChild(row);});
  });
});
var caption=document.getElementById("map-caption");
if(caption){
  Array.prototype.forEach.call(document.querySelectorAll("#map .pt"),function(pt){
    function name(){caption.textContent=pt.getAttribute("data-label");}
    function show(){
      var row=document.getElementById("i-"+pt.getAttribute("data-id"));if(!row){return;}
      if(row.hidden){search.value="";for(var i=0;i<selects.length;i++){selects[i].value="";}apply();}
      var details=row.querySelector("details");if(details){details.open=true;}
      location.hash="i-"+pt.getAttribute("data-id");row.scrollIntoView({block:"center"});
    }
    pt.addEventListener("focus",name);pt.addEventListener("mouseenter",name);
    pt.addEventListener("click",show);
    pt.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();show();}});
  });
}
apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = ("default-src 'none'; " f"style-src {_hash(CSS)}; script-src {_hash(SCRIPT)}; img-src data:; "
       "base-uri 'none'; form-action 'none'")


def document(page: Page) -> str:
    """The whole page as text."""
    head = join([
        void("meta", {"charset": "utf-8"}),
        void("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}),
        void("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        void("meta", {"name": "referrer", "content": "no-referrer"}),
        void("link", {"rel": "icon", "href": "data:,"}),
        el("title", {}, page.title),
        el("style", {}, Markup(CSS)),
    ])
    body = el("main", {},
              _headline(page.title, page.headline),
              _trend(page),
              _pivots(page),
              _map(page),
              _table(),
              _actors(page.actors),
              el("footer", {"class": "note"},
                 "Made with iraqsec report. Map: Natural Earth (public domain) via world-atlas."))
    page_text = ("<!DOCTYPE html>\n" + el("html", {"lang": "en"}, el("head", {}, head),
                                         el("body", {}, body, el("script", {}, Markup(SCRIPT)))) + "\n")
    # The rows go in last, in one join: nested inside every element above
    # they would be copied once per level (1.8 GB at 100,000 records).
    before, _, after = page_text.partition(_ROWS)
    return "".join([before, *(_row(i, inc, page.sites) for i, inc in enumerate(page.incidents)), after])


# --- headline --------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _headline(title: str, h: Headline) -> Markup:
    period = f"{h.first_month} to {h.last_month}" if h.first_month else "no months"
    escalations = ", ".join(f"{m} ({s})" if s else m for m, s in h.escalations) or "none"
    facts = el("ul", {"class": "facts", "id": "headline"},
               el("li", {}, el("b", {"id": "h-incidents"}, h.incidents), "incidents"),
               el("li", {}, el("b", {"id": "h-killed"}, h.killed), "killed",
                  el("span", {"class": "note"}, f" ({_plural(h.killed_unreported, 'incident')} unreported)")),
               el("li", {}, el("b", {"id": "h-wounded"}, h.wounded), "wounded",
                  el("span", {"class": "note"}, f" ({_plural(h.wounded_unreported, 'incident')} unreported)")))
    revision = f", ledger revision {h.revision}" if h.revision else ""
    return el("header", {},
              el("h1", {}, title),
              el("p", {"class": "muted", "id": "h-meta"}, f"{period} · generated {h.generated}{revision}"),
              facts,
              el("p", {}, "Escalation months: ", el("span", {"id": "h-escalations"}, escalations)),
              el("p", {"class": "note"}, "Killed and wounded are sums of reported figures: an incident whose "
                 "figure was not reported adds nothing and is counted as unreported.",
                 f" {h.left_out}." if h.left_out else None))


# --- trend -------------------------------------------------------------------------


def _swatch(colour: str) -> Markup:
    return el("svg", {"width": 12, "height": 12, "aria-hidden": "true"},
              el("rect", {"width": 12, "height": 12, "fill": colour}))


def _trend(page: Page) -> Markup:
    legend = el("ul", {"class": "legend"},
                *(el("li", {}, _swatch(GRADE_COLOURS[g]), g) for g in EVIDENCE_ORDER),
                el("li", {}, _swatch(KILLED_COLOUR), "killed"), el("li", {}, _swatch(WOUNDED_COLOUR), "wounded"),
                el("li", {}, el("span", {"class": "esc-mark"}, "▲ "), "escalation month"))
    layout = ("every month labelled" if len(page.months) <= WIDE_MONTHS
              else "quarters labelled; scroll sideways on a narrow screen")
    return el("section", {"id": "trend"},
              el("h2", {"id": "trend-title"}, "Incidents per month"),
              legend,
              el("div", {"class": "scroll"}, trend_chart(page.months)),
              el("p", {"class": "note"},
                 f"Bars are split by evidence grade ({layout}). A month is an escalation when it has at least "
                 f"{ESCALATION_MIN} incidents and at least {ESCALATION_RATIO} times the mean of the previous "
                 f"{ESCALATION_WINDOW} months; rising = more than the month before, high = no more than the month "
                 "before but still well above the months before it."))


# --- pivots ------------------------------------------------------------------------


def shade(value: int, maximum: int) -> str:
    """The shading class of a pivot cell: s0 for zero, s1..s5 by share of the maximum."""
    if value <= 0 or maximum <= 0:
        return "s0"
    return f"s{min(SHADES - 1, 1 + (value * (SHADES - 1) - 1) // maximum)}"


def _pivot_table(p: Pivot, heading: str, table_id: str) -> Markup:
    top = max(p.cells.values(), default=0)
    head = el("tr", {}, el("th", {}, "Month"), *(el("th", {"class": "n"}, c) for c in p.columns),
              el("th", {"class": "n"}, "All"))
    rows = []
    for month in p.months:
        cells = []
        for c in p.columns:
            value = p.cells.get((month, c), 0)
            cells.append(el("td", {"class": f"n {shade(value, top)}"}, value if value else "·"))
        rows.append(el("tr", {}, el("th", {}, month), *cells, el("td", {"class": "n"}, p.row_totals[month].incidents)))
    foot = el("tr", {}, el("th", {}, "Total"), *(el("td", {"class": "n"}, p.column_totals[c]) for c in p.columns),
              el("td", {"class": "n"}, p.total.incidents))
    return el("div", {"class": "scroll"},
              el("table", {"class": "pivot", "id": table_id},
                 el("caption", {"class": "muted"}, heading),
                 el("thead", {}, head), el("tbody", {}, *rows), el("tfoot", {}, foot)))


def _pivots(page: Page) -> Markup:
    return el("section", {"id": "pivots"},
              el("h2", {}, "Month by tactic and by target type"),
              _pivot_table(page.by_tactic, "Incidents by month and tactic", "pivot-tactic"),
              _pivot_table(page.by_target_type, "Incidents by month and target type", "pivot-target-type"),
              el("p", {"class": "note"}, "Darker cells hold more incidents; · is none."))


# --- map -----------------------------------------------------------------------------


def _map(page: Page) -> Markup:
    tactics = sorted({p.tactic for p in page.points}, key=list(vocab.TACTICS).index)
    precisions = sorted({p.located.precision for p in page.points}, key=list(PRECISION_WORDS).index)
    legend = el("ul", {"class": "legend"},
                *(el("li", {}, _swatch(tactic_colour(t)), t) for t in tactics),
                *(el("li", {}, el("svg", {"width": 20, "height": 20, "aria-hidden": "true"},
                                  precision_mark(p, "#555555", 10, 10)), PRECISION_WORDS[p]) for p in precisions))
    located = len(page.points)
    return el("section", {"id": "where"},
              el("h2", {}, "Where"),
              el("div", {"class": "map-wrap"},
                 el("div", {}, map_svg(page.points, page.governorates),
                    el("p", {"id": "map-caption", "aria-live": "polite"}), legend),
                 _governorate_table(page.governorates)),
              el("p", {"class": "note"},
                 f"{_plural(located, 'incident')} of {len(page.incidents)} have a location of their own "
                 "(coordinates or a named site) and are drawn as a point coloured by tactic; its shape says how "
                 "precise the location is. Points at one spot are packed around it, the most precise in the "
                 "middle. Every incident counts for its governorate, drawn at the governorate's capital with its "
                 "count (no openly licensed governorate boundaries were available). "
                 "Outline: Natural Earth 1:50m (public domain)."))


def _governorate_table(rows: Sequence[GovernorateCount]) -> Markup:
    body = [el("tr", {}, el("td", {}, g.name), el("td", {"class": "n"}, g.incidents),
               el("td", {"class": "n"}, g.located))
            for g in sorted(rows, key=lambda g: (-g.incidents, g.name))]
    return el("table", {"id": "governorates"},
              el("caption", {"class": "muted"}, "Incidents per governorate"),
              el("thead", {}, el("tr", {}, el("th", {}, "Governorate"), el("th", {"class": "n"}, "Incidents"),
                                 el("th", {"class": "n"}, "Located"))),
              el("tbody", {}, *body))


# --- incident table -----------------------------------------------------------------


def _source(source: str | Source) -> Markup:
    if isinstance(source, str):
        return link(source, source)
    extra = ", ".join(p for p in (source.publisher, source.published) if p)
    return join([link(source.url, source.title), f" ({extra})" if extra else None])


def _about(incident: Incident, sites: Mapping[str, str]) -> list[Markup]:
    """The v2 facts a reader should see beside the summary: where exactly,
    whether it is context, whether it was taken back."""
    items: list[Markup] = []
    if incident.site is not None:
        items += [el("dt", {}, "Site"), el("dd", {}, f"{sites.get(incident.site, incident.site)} ({incident.site})")]
    if incident.coordinates is not None:
        lat, lon = incident.coordinates
        items += [el("dt", {}, "Coordinates"), el("dd", {}, f"{lat}, {lon}")]
    if incident.geo_precision is not None:
        items += [el("dt", {}, "Location precision"),
                  el("dd", {}, f"{incident.geo_precision}: {PRECISION_WORDS[incident.geo_precision]}")]
    if incident.scope != vocab.DEFAULT_SCOPE:
        items += [el("dt", {}, "Scope"), el("dd", {}, f"{incident.scope}: {vocab.SCOPES[incident.scope]}")]
    if incident.withdrawn is not None:
        superseded = incident.withdrawn.superseded_by
        items += [el("dt", {}, "Withdrawn"),
                  el("dd", {}, incident.withdrawn.reason, f" (superseded by {superseded})" if superseded else None)]
    return items


def _details(incident: Incident, sites: Mapping[str, str]) -> Markup:
    # s-* classes mark what the search box looks in, as `list --search` does
    items: list[Markup] = [el("dt", {}, "Place"), el("dd", {"class": "s-place"}, incident.place),
                           el("dt", {}, "Summary"), el("dd", {"class": "s-summary"}, incident.summary)]
    if incident.notes:
        items += [el("dt", {}, "Notes"), el("dd", {"class": "s-notes"}, incident.notes)]
    items += _about(incident, sites)
    for label, names in (("Claimed by", incident.claimed_by), ("Attributed to", incident.attributed_to)):
        items += [el("dt", {}, label), el("dd", {}, "; ".join(names) or "nobody named")]
    items += [el("dt", {}, "Sources"),
              el("dd", {}, el("ol", {}, *(el("li", {}, _source(s)) for s in incident.sources))),
              el("dt", {}, "Id"), el("dd", {}, el("code", {}, incident.id))]
    return el("details", {}, el("summary", {"class": "s-target"}, incident.target), el("dl", {"class": "more"}, *items))


def _badges(incident: Incident) -> list[Markup]:
    marks = []
    if incident.scope != vocab.DEFAULT_SCOPE:
        marks.append(el("span", {"class": "badge"}, incident.scope))
    if incident.withdrawn is not None:
        marks.append(el("span", {"class": "badge"}, "withdrawn"))
    return marks


def _row(order: int, incident: Incident, sites: Mapping[str, str]) -> Markup:
    g = grade(incident)
    data: dict[str, AttrValue] = {
            "id": f"i-{incident.id}", "data-order": order, "data-id": incident.id, "data-date": incident.date,
            "data-governorate": incident.governorate, "data-tactic": incident.tactic,
            "data-target-type": incident.target_type, "data-evidence": g,
            "data-killed": "" if incident.killed is None else incident.killed,
            "data-wounded": "" if incident.wounded is None else incident.wounded}
    return el("tr", data,
              el("td", {"class": "date"}, shown_date(incident.date, incident.date_end), *_badges(incident)),
              el("td", {}, incident.governorate),
              el("td", {}, incident.tactic),
              el("td", {}, incident.target_type),
              el("td", {"class": "target"}, _details(incident, sites)),
              el("td", {}, g),
              el("td", {"class": "n", "data-label": "K"}, shown_count(incident.killed)),
              el("td", {"class": "n", "data-label": "W"}, shown_count(incident.wounded)))


def _select(name: str, label: str, terms: Sequence[str]) -> Markup:
    options = [el("option", {"value": ""}, f"any {label}"), *(el("option", {"value": t}, t) for t in terms)]
    return el("label", {}, el("span", {"class": "muted"}, f"{label.capitalize()} "),
              el("select", {"name": name, "id": f"f-{name}"}, *options))


# Where document() puts the incident rows.  Ledger text is escaped, so it
# can never hold this comment's `<`.
_ROWS = Markup("<!--iraqsec:incident-rows-->")


def _table() -> Markup:
    controls = el("form", {"id": "controls", "hidden": True, "role": "search"},
                  el("label", {}, el("span", {"class": "muted"}, "Search "),
                     void("input", {"type": "search", "id": "q", "placeholder": "place, target, summary, notes",
                                    "autocomplete": "off"})),
                  _select("tactic", "tactic", list(vocab.TACTICS)),
                  _select("target-type", "target type", list(vocab.TARGET_TYPES)),
                  _select("evidence", "evidence", EVIDENCE_ORDER),
                  el("output", {"id": "shown", "class": "muted"}))
    columns = [("date", "Date", ""), ("governorate", "Governorate", ""), ("tactic", "Tactic", ""),
               ("target-type", "Target type", ""), (None, "Target (open for details)", "target"),
               ("evidence", "Evidence", ""), ("killed", "K", "n"), ("wounded", "W", "n")]
    head = el("tr", {}, *(el("th", {"data-key": key, "class": cls or None, "scope": "col"}, label)
                          for key, label, cls in columns))
    return el("section", {"id": "table"},
              el("h2", {}, "Incidents"),
              controls,
              el("div", {"class": "scroll"},
                 el("table", {"id": "incidents"}, el("thead", {}, head), el("tbody", {}, _ROWS))),
              el("p", {"class": "note"}, "K and W: reported killed and wounded (? = not reported). A date like "
                 "2020-09-?? is known only to the month, one like 2020-08-16..19 lies somewhere in that span. "
                 "Open a target for the summary, notes, actors and sources."))


# --- actors ------------------------------------------------------------------------


def _actor_row(row: ActorRow, front: bool = False) -> Markup:
    kind = row.kind or "not in actors.yaml"
    return el("tr", {"class": "front" if front else None, "data-actor": row.name},
              el("td", {}, ("↳ " if front else "") + row.name), el("td", {}, kind),
              el("td", {"class": "n"}, row.claimed), el("td", {"class": "n"}, row.attributed))


def _actors(rows: Sequence[ActorRow]) -> Markup:
    body: list[Markup] = []
    for row in rows:
        body.append(_actor_row(row))
        body.extend(_actor_row(front, front=True) for front in row.fronts)
    head = el("tr", {}, el("th", {}, "Actor"), el("th", {}, "Kind"), el("th", {"class": "n"}, "Claimed"),
              el("th", {"class": "n"}, "Attributed"))
    if not body:
        return el("section", {"id": "actors"}, el("h2", {}, "Actors"),
                  el("p", {"class": "muted"}, "No actor is named in these incidents."))
    return el("section", {"id": "actors"},
              el("h2", {}, "Actors"),
              el("div", {"class": "scroll"},
                 el("table", {"class": "actors"}, el("thead", {}, head), el("tbody", {}, *body))),
              el("p", {"class": "note"},
                 "Claimed: incidents the actor claimed. Attributed: incidents officials or analysts blamed on it. "
                 "Fronts (↳) are listed under each faction actors.yaml links them to, with their own counts; "
                 "a front's claims are never added to a faction's, since the link is a belief, not a record."))
