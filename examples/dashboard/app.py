"""A reference dashboard: clientcrm embedded in a small Starlette app (seed 000's screens).

It shows app developers how to embed the library, not a product of its own: the clients
list (search, tag and status filters, sort, paging, CSV export), a client's page (quick
stats, bookings, notes with add and pin, tags) and the insights page with its plots. Every
figure comes from one `CRM` call; the templates only lay them out. No JavaScript.

Run: ``python examples/dashboard/app.py [--db studio.db] [--port 8000]`` (needs
``pip install 'clientcrm[all]' starlette jinja2 uvicorn python-multipart``); the demo studio
is made in the file on first run.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from clientcrm import CRM, Actor, ClientQuery, CRMError, NotFoundError, SortKey, StatusPill
from clientcrm.analytics import plots
from clientcrm.io import write_clients
from clientcrm.models.note import NoteVisibility
from clientcrm.rules.status import status_pill
from clientcrm.testing.demo import WORKSPACE, open_demo_studio

HERE = Path(__file__).parent
PAGE = 25
PLOTS = {
    "status": lambda crm, actor: plots.status_mix(crm.insights(actor)),
    "stages": lambda crm, actor: plots.journey_funnel(crm.insights(actor)),
    "monthly": lambda crm, actor: plots.monthly_bookings(crm.monthly_bookings(actor)),
    "spend": lambda crm, actor: plots.spend_distribution(crm.spend_distribution(actor)),
    "cohorts": lambda crm, actor: plots.cohort_heatmap(crm.cohort_retention(actor)),
}


def create_app(crm: CRM, actor: Actor) -> Starlette:
    """The dashboard over ``crm``, acting as ``actor`` (a host would take it from its login)."""
    templates = Jinja2Templates(directory=HERE / "templates")
    workspace = crm.workspace(actor)
    env = templates.env
    env.globals["workspace"] = workspace
    env.filters["money"] = lambda amount: f"{amount:,.2f} {workspace.currency}"
    env.filters["day"] = lambda moment: (
        moment.astimezone(workspace.tz).strftime("%d %b %Y") if moment else "-"
    )
    env.filters["initials"] = lambda name: "".join(w[0] for w in name.split()[:2]).upper()
    env.filters["share"] = lambda rate: "-" if rate is None else f"{rate:.0%}"

    def query_of(request: Request) -> ClientQuery:
        p = request.query_params
        return ClientQuery(
            search=p.get("q") or None,
            tags_any=frozenset([p["tag"]]) if p.get("tag") else frozenset(),
            statuses=frozenset([StatusPill(p["status"])]) if p.get("status") else frozenset(),
            sort=SortKey(p.get("sort") or SortKey.RECENCY),
            limit=PAGE,
            cursor=p.get("cursor") or None,
        )

    async def clients(request: Request) -> Response:
        try:
            page = crm.list_clients(query_of(request), actor)
        except (CRMError, ValueError) as error:  # ValueError: an unknown sort or status
            return templates.TemplateResponse(
                request, "error.html", {"error": error}, status_code=400
            )
        now = crm.clock()
        rows = [
            (c, status_pill(c.figures, now, workspace.tz, workspace.policies.status))
            for c in page.clients
        ]
        params = {k: v for k, v in request.query_params.items() if k != "cursor"}
        return templates.TemplateResponse(
            request,
            "clients.html",
            {"rows": rows, "page": page, "params": params, "sorts": list(SortKey),
             "statuses": list(StatusPill)},
        )  # fmt: skip

    async def export(request: Request) -> Response:
        out = io.StringIO(newline="")
        write_clients(crm.client_summaries(query_of(request), actor), out, workspace, crm.clock())
        headers = {"Content-Disposition": 'attachment; filename="clients.csv"'}
        return Response(out.getvalue(), media_type="text/csv", headers=headers)

    async def client(request: Request) -> Response:
        try:
            detail = crm.client_detail(request.path_params["client_id"], actor)
        except NotFoundError:
            return templates.TemplateResponse(
                request, "error.html", {"error": "No such client."}, status_code=404
            )
        notes = crm.notes(detail.client.id, actor)
        history = sorted(detail.bookings, key=lambda b: b.starts_at, reverse=True)
        return templates.TemplateResponse(
            request,
            "client.html",
            {"d": detail, "notes": notes, "history": history},
        )

    async def add_note(request: Request) -> Response:
        client_id = request.path_params["client_id"]
        form = await request.form()
        text = str(form.get("text", ""))
        try:
            crm.add_note(
                client_id, text, actor, visibility=NoteVisibility.TEAM,
                pinned=form.get("pinned") == "on",
            )  # fmt: skip
        except CRMError as error:
            return templates.TemplateResponse(
                request, "error.html", {"error": error}, status_code=400
            )
        return RedirectResponse(f"/clients/{client_id}#notes", status_code=303)

    async def pin(request: Request) -> Response:
        form = await request.form()
        crm.pin_note(request.path_params["note_id"], actor, pinned=form.get("pinned") == "1")
        return RedirectResponse(f"/clients/{form['client_id']}#notes", status_code=303)

    async def insights(request: Request) -> Response:
        return templates.TemplateResponse(
            request,
            "insights.html",
            {"i": crm.insights(actor), "slipping": crm.slipping(actor, limit=10),
             "plots": list(PLOTS)},
        )  # fmt: skip

    async def plot(request: Request) -> Response:
        draw = PLOTS.get(request.path_params["name"])
        if draw is None:
            return Response("No such plot.", status_code=404)
        buffer = io.BytesIO()
        draw(crm, actor).savefig(buffer, format="png", dpi=90)
        buffer.seek(0)
        return StreamingResponse(buffer, media_type="image/png")

    return Starlette(
        routes=[
            Route("/", clients),
            Route("/clients.csv", export),
            Route("/clients/{client_id}", client),
            Route("/clients/{client_id}/notes", add_note, methods=["POST"]),
            Route("/notes/{note_id}/pin", pin, methods=["POST"]),
            Route("/insights", insights),
            Route("/plots/{name}.png", plot),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
    )


def main() -> None:
    import uvicorn  # noqa: PLC0415 - only to serve it by hand

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("studio.db"))
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    crm = open_demo_studio(args.db)
    print(f"serving {args.db} on http://127.0.0.1:{args.port}")
    uvicorn.run(create_app(crm, Actor.owner(WORKSPACE)), port=args.port)


if __name__ == "__main__":
    main()
