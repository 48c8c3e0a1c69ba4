"""Read the forms of a rendered page: action, method, enctype and fields with their choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    """One named control: its kind, the value it carries and the choices it offers."""

    name: str
    kind: str
    value: str = ""
    choices: list[str] = field(default_factory=list)


@dataclass
class Form:
    """A form as the browser would submit it."""

    action: str
    method: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)

    def defaults(self) -> dict[str, str]:
        """What a browser sends untouched: hidden values, first choices, checked boxes."""
        data: dict[str, str] = {}
        for f in self.fields.values():
            if f.kind in ("radio", "select") and f.choices:
                data[f.name] = f.choices[0]
            elif f.kind not in ("file", "submit", "checkbox"):
                data[f.name] = f.value
        return data


class _Parser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action") or self.page_url,
                                   (a.get("method") or "get").upper(),
                                   a.get("enctype") or "application/x-www-form-urlencoded"))
            return
        if not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self._select.choices.append(a.get("value", ""))
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            known = form.fields.setdefault(name, Field(name, kind, a.get("value", "")))
            if kind in ("radio", "checkbox"):
                known.choices.append(a.get("value", "on"))
        elif tag == "textarea":
            form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "select":
            self._select = form.fields.setdefault(name, Field(name, "select"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(html: str, page_url: str) -> list[Form]:
    """Every form on the page."""
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
