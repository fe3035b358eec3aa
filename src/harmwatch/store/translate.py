"""SQLite-flavoured SQL -> PostgreSQL, so every store module (and every migration) runs on both.

The store writes SQL once, for SQLite. :func:`to_postgres` rewrites one statement for PostgreSQL:

| SQLite | PostgreSQL |
|---|---|
| ``?`` placeholders (and ``%`` in the text) | ``%s`` (``%%``) |
| ``INTEGER`` / ``REAL`` / ``BLOB`` columns | ``BIGINT`` / ``DOUBLE PRECISION`` / ``BYTEA`` |
| ``id INTEGER PRIMARY KEY`` (AUTOINCREMENT) | an identity column, with ``rowid`` generated from it |
| the implicit ``rowid`` of every other table | a ``rowid`` identity column (insertion order, kept by upserts) |
| ``WITHOUT ROWID`` | dropped (and no ``rowid`` column) |
| ``CREATE VIRTUAL TABLE t USING fts5(a, b)`` | a table ``t (rowid, a, b)``; ``t MATCH ?`` via ``hw_fts_match`` |
| ``INSERT OR IGNORE`` | ``INSERT ... ON CONFLICT DO NOTHING`` |
| ``MIN(a, b)`` / ``MAX(a, b)`` (scalar) | ``LEAST`` / ``GREATEST`` |
| ``group_concat(x, sep)`` | ``string_agg(x::text, sep)`` |
| ``json_extract`` / ``json_each`` | ``hw_json_extract`` / ``hw_json_each`` (``store.postgres``) |
| ``last_insert_rowid()``, ``ifnull``, ``iif``, ``instr`` | ``lastval()``, ``coalesce``, ``CASE``, ``strpos`` |
| ``LIKE`` (ASCII case-insensitive) | ``ILIKE`` |
| ``ORDER BY x`` / ``x DESC`` (NULL is smallest) | ``x NULLS FIRST`` / ``x DESC NULLS LAST`` |
| ``PRAGMA ...``, ``BEGIN IMMEDIATE`` | no-op, ``BEGIN`` |

What it cannot translate raises ``StoreError`` naming the construct (``INSERT OR REPLACE``, other virtual
tables, FTS5 queries beyond phrases joined by AND). ``fts_terms`` turns an FTS5 query into the
``[column, regex]`` pairs ``hw_fts_match`` checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import StoreError

_TOKEN = re.compile(
    r"""(?P<str>'(?:[^']|'')*')
      |(?P<qid>"(?:[^"]|"")*")
      |(?P<ws>\s+)
      |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
      |(?P<num>\d+(?:\.\d*)?)
      |(?P<op>\|\||<=|>=|<>|!=|::|.)""",
    re.X | re.S,
)
_TYPES = {"INTEGER": "BIGINT", "INT": "BIGINT", "REAL": "DOUBLE PRECISION", "BLOB": "BYTEA",
          "DOUBLE": "DOUBLE PRECISION", "FLOAT": "DOUBLE PRECISION"}
_ORDER_END = {"LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "FOR", "WINDOW", "RETURNING"}
_CALLS = {"min", "max", "group_concat", "iif", "json_extract", "json_each", "ifnull", "instr", "last_insert_rowid"}
_AFTER_FROM = {"WHERE", "UNION", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT", "RIGHT", "INNER",
               "OUTER", "CROSS", "FULL", "NATURAL", "ON", "USING", "EXCEPT", "INTERSECT", "WINDOW"}
_RENAMED = {"json_extract": "hw_json_extract", "json_each": "hw_json_each", "ifnull": "coalesce",
            "instr": "strpos", "last_insert_rowid": "lastval"}


@dataclass
class Tok:
    kind: str  # str, qid, ws, word, num, op, param
    text: str
    index: int = -1  # for params: position among the statement's ``?``

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass
class Group:
    """A parenthesised part of a statement."""

    items: list[Tok | Group]


Node = Tok | Group


@dataclass(frozen=True)
class Translated:
    sql: str
    fts_params: tuple[int, ...] = ()  # positions of parameters that hold an FTS5 query


def _fail(what: str, sql: str) -> StoreError:
    return StoreError(f"the SQL {sql.strip()[:80]!r} uses {what}, which harmwatch cannot run on PostgreSQL; "
                      "write it in the portable subset (store/translate.py lists it).")


def _tokens(sql: str) -> list[Tok]:
    out: list[Tok] = []
    params = 0
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup or "op"
        if kind == "op" and m.group() == "?":
            out.append(Tok("param", "%s", params))
            params += 1
        elif kind == "op" and m.group() == "%":
            out.append(Tok("op", "%%"))
        elif kind == "str":
            out.append(Tok("str", m.group().replace("%", "%%")))
        else:
            out.append(Tok(kind, m.group()))
    return out


def _nest(tokens: list[Tok], sql: str) -> list[Node]:
    stack: list[list[Node]] = [[]]
    for tok in tokens:
        if tok.kind == "op" and tok.text == "(":
            stack.append([])
        elif tok.kind == "op" and tok.text == ")":
            if len(stack) == 1:
                raise _fail("unbalanced parentheses", sql)
            inner = stack.pop()
            stack[-1].append(Group(inner))
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise _fail("unbalanced parentheses", sql)
    return stack[0]


def _render(nodes: list[Node]) -> str:
    parts: list[str] = []
    for node in nodes:
        parts.append(node.text if isinstance(node, Tok) else f"({_render(node.items)})")
    return "".join(parts)


def _solid(nodes: list[Node]) -> list[tuple[int, Node]]:
    """(position, node) of the nodes that are not whitespace."""
    return [(i, n) for i, n in enumerate(nodes) if not (isinstance(n, Tok) and n.kind == "ws")]


def _split_args(items: list[Node]) -> list[list[Node]]:
    args: list[list[Node]] = [[]]
    for node in items:
        if isinstance(node, Tok) and node.kind == "op" and node.text == ",":
            args.append([])
        else:
            args[-1].append(node)
    return args


def _words(*texts: str) -> list[Node]:
    return [Tok("word", t) if t.strip() and t[0].isalpha() else Tok("op", t) for t in texts]


class _Rewriter:
    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.fts: list[int] = []
        self.subqueries = 0

    def walk(self, nodes: list[Node]) -> list[Node]:
        nodes = [Group(self.walk(n.items)) if isinstance(n, Group) else n for n in nodes]
        nodes = self._calls(nodes)
        nodes = self._match(nodes)
        nodes = self._order_by(nodes)
        nodes = self._alias_subqueries(nodes)
        return [Tok("word", "ILIKE") if isinstance(n, Tok) and n.upper == "LIKE" else n for n in nodes]

    def _calls(self, nodes: list[Node]) -> list[Node]:
        out: list[Node] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            j = i + 1
            while j < len(nodes) and isinstance(nodes[j], Tok) and nodes[j].kind == "ws":  # type: ignore[union-attr]
                j += 1
            nxt = nodes[j] if j < len(nodes) else None
            if isinstance(node, Tok) and node.kind == "word" and isinstance(nxt, Group) \
                    and node.text.lower() in _CALLS:
                out.extend(self._call(node.text.lower(), node, nxt))
                i = j + 1
                continue
            out.append(node)
            i += 1
        return out

    def _call(self, name: str, word: Tok, group: Group) -> list[Node]:
        args = _split_args(group.items)
        if name in ("min", "max") and len(args) > 1:
            return [Tok("word", "LEAST" if name == "min" else "GREATEST"), group]
        if name == "group_concat":
            sep: list[Node] = args[1] if len(args) > 1 else [Tok("str", "','")]
            return [Tok("word", "string_agg"),
                    Group([Group(args[0]), Tok("op", "::"), Tok("word", "text"), Tok("op", ", "), *sep])]
        if name == "iif" and len(args) == 3:
            return [Group([*_words("CASE", " ", "WHEN", " "), *args[0], *_words(" ", "THEN", " "), *args[1],
                           *_words(" ", "ELSE", " "), *args[2], *_words(" ", "END")])]
        if name in _RENAMED:
            return [Tok("word", _RENAMED[name]), group]
        return [word, group]

    def _match(self, nodes: list[Node]) -> list[Node]:
        solid = _solid(nodes)
        for k, (_, node) in enumerate(solid):
            if not (isinstance(node, Tok) and node.upper == "MATCH"):
                continue
            if k == 0 or k + 1 >= len(solid):
                raise _fail("MATCH without a table and a parameter", self.sql)
            (tpos, table), (ppos, param) = solid[k - 1], solid[k + 1]
            if not (isinstance(table, Tok) and table.kind == "word" and isinstance(param, Tok)
                    and param.kind == "param"):
                raise _fail("MATCH other than `fts_table MATCH ?`", self.sql)
            self.fts.append(param.index)
            call: list[Node] = [Tok("word", "hw_fts_match"),
                                Group([*_words("to_jsonb", "("), table, Tok("op", "), "), param,
                                       Tok("op", "::"), Tok("word", "jsonb")])]
            return self._match([*nodes[:tpos], *call, *nodes[ppos + 1:]])
        return nodes

    def _alias_subqueries(self, nodes: list[Node]) -> list[Node]:
        """PostgreSQL (before 16) wants a name for every subquery in FROM; SQLite does not."""
        solid = _solid(nodes)
        inserts: list[int] = []
        for k, (pos, node) in enumerate(solid):
            before = solid[k - 1][1] if k else None
            after = solid[k + 1][1] if k + 1 < len(solid) else None
            if not (isinstance(node, Group) and isinstance(before, Tok) and before.upper in ("FROM", "JOIN")):
                continue
            first = _solid(node.items)[:1]
            is_select = bool(first) and isinstance(first[0][1], Tok) and first[0][1].upper == "SELECT"
            named = isinstance(after, Tok) and after.kind == "word" and after.upper not in _AFTER_FROM
            if is_select and not named:
                inserts.append(pos)
        out = list(nodes)
        for pos in reversed(inserts):
            self.subqueries += 1
            out.insert(pos + 1, Tok("word", f" AS hw_sub_{self.subqueries}"))
        return out

    def _order_by(self, nodes: list[Node]) -> list[Node]:
        solid = _solid(nodes)
        out = list(nodes)
        inserts: list[tuple[int, str]] = []
        k = 0
        while k < len(solid) - 1:
            a, b = solid[k][1], solid[k + 1][1]
            if isinstance(a, Tok) and a.upper == "ORDER" and isinstance(b, Tok) and b.upper == "BY":
                k = self._order_items(solid, k + 2, inserts)
            else:
                k += 1
        for pos, text in sorted(inserts, reverse=True):
            out.insert(pos + 1, Tok("word", f" {text}"))
        return out

    @staticmethod
    def _order_items(solid: list[tuple[int, Node]], k: int, inserts: list[tuple[int, str]]) -> int:
        """Mark where each ORDER BY item ends and what NULLS clause it needs; returns the next index."""
        last: tuple[int, Node] | None = None
        has_nulls = False

        def close() -> None:
            if last is not None and not has_nulls:
                desc = isinstance(last[1], Tok) and last[1].upper == "DESC"
                inserts.append((last[0], "NULLS LAST" if desc else "NULLS FIRST"))

        while k < len(solid):
            pos, node = solid[k]
            if isinstance(node, Tok) and node.upper in _ORDER_END:
                break
            if isinstance(node, Tok) and node.kind == "op" and node.text == ",":
                close()
                last, has_nulls = None, False
            else:
                has_nulls = has_nulls or (isinstance(node, Tok) and node.upper == "NULLS")
                last = (pos, node)
            k += 1
        close()
        return k


def _create_table(nodes: list[Node], sql: str) -> list[Node]:
    """Column types, identity keys, the implicit rowid, WITHOUT ROWID."""
    solid = _solid(nodes)
    without_rowid = any(isinstance(n, Tok) and n.upper == "WITHOUT" for _, n in solid)
    if without_rowid:
        cut = next(p for p, n in solid if isinstance(n, Tok) and n.upper == "WITHOUT")
        nodes = nodes[:cut]
    groups = [i for i, n in enumerate(nodes) if isinstance(n, Group)]
    if not groups:
        raise _fail("CREATE TABLE without a column list", sql)
    body = nodes[groups[0]]
    assert isinstance(body, Group)
    columns, int_key = _columns(body.items, sql)
    if int_key:
        columns += [Tok("op", ", "), *_words("rowid", " ", "BIGINT", " ", "GENERATED", " ", "ALWAYS", " ", "AS"),
                    Tok("ws", " "), Group([Tok("word", int_key)]), Tok("ws", " "), Tok("word", "STORED")]
    elif not without_rowid:
        columns += [Tok("op", ", "), *_words("rowid", " ", "BIGINT", " ", "GENERATED", " ", "BY", " ", "DEFAULT",
                                             " ", "AS", " ", "IDENTITY", " ", "UNIQUE")]
    return [*nodes[:groups[0]], Group(columns), *nodes[groups[0] + 1:]]


def _columns(items: list[Node], sql: str) -> tuple[list[Node], str | None]:
    """Each column definition with PostgreSQL types; the name of an INTEGER PRIMARY KEY column, if any."""
    out: list[Node] = []
    int_key: str | None = None
    for n, arg in enumerate(_split_args(items)):
        solid = _solid(arg)
        words = [node.upper for _, node in solid if isinstance(node, Tok)]
        if len(words) >= 4 and words[1] == "INTEGER" and words[2:4] == ["PRIMARY", "KEY"]:
            int_key = solid[0][1].text if isinstance(solid[0][1], Tok) else None
            arg = [solid[0][1], *_words(" ", "BIGINT", " ", "GENERATED", " ", "BY", " ", "DEFAULT", " ", "AS",
                                        " ", "IDENTITY", " ", "PRIMARY", " ", "KEY")]
        else:
            arg = _types(arg)
        out.extend([Tok("op", ","), *arg] if n else arg)
    return out, int_key


def _types(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Tok) and node.upper in _TYPES:
            out.append(Tok("word", _TYPES[node.upper]))
        elif isinstance(node, Tok) and node.upper == "AUTOINCREMENT":
            continue
        else:
            out.append(node)
    return out


def _qualify_upsert(nodes: list[Node]) -> list[Node]:
    """In ``ON CONFLICT ... DO UPDATE SET``, name the table before its bare columns (PostgreSQL needs it)."""
    solid = _solid(nodes)
    words = [n.upper if isinstance(n, Tok) else "" for _, n in solid]
    if len(solid) < 4 or not isinstance(solid[3][1], Group) or "SET" not in words:
        return nodes
    table = solid[2][1].text if isinstance(solid[2][1], Tok) else ""
    columns = {n.text.lower() for a in _split_args(solid[3][1].items) for _, n in _solid(a) if isinstance(n, Tok)}
    start = solid[words.index("SET")][0] + 1
    return [*nodes[:start], *_qualified(nodes[start:], table, columns, top=True)]


def _qualified(nodes: list[Node], table: str, columns: set[str], *, top: bool) -> list[Node]:
    out = list(nodes)
    target = top  # at the top level, the first word of each assignment is the column it sets
    solid = _solid(nodes)
    for k, (pos, node) in enumerate(solid):
        before = solid[k - 1][1] if k else None
        after = solid[k + 1][1] if k + 1 < len(solid) else None
        if isinstance(node, Group):
            out[pos] = Group(_qualified(node.items, table, columns, top=False))
        elif top and node.kind == "op" and node.text == ",":
            target = True
        elif node.kind == "word" and target:
            target = False
        elif (node.kind == "word" and node.text.lower() in columns and not isinstance(after, Group)
              and not (isinstance(before, Tok) and before.text == ".")
              and not (isinstance(after, Tok) and after.text == ".")):
            out[pos] = Tok("word", f"{table}.{node.text}")
    return out


def _virtual_table(nodes: list[Node], sql: str) -> list[Node]:
    """``CREATE VIRTUAL TABLE [IF NOT EXISTS] t USING fts5(cols, options)`` -> a plain text table."""
    solid = [n for _, n in _solid(nodes)]
    words = [n.upper if isinstance(n, Tok) else "" for n in solid]
    using = words.index("USING") if "USING" in words else -1
    if using < 0 or words[using + 1] != "FTS5" or not isinstance(solid[using + 2], Group):
        raise _fail("a virtual table other than fts5", sql)
    args = solid[using + 2]
    assert isinstance(args, Group)
    names = [s[0][1].text for a in _split_args(args.items) if (s := _solid(a))
             and isinstance(s[0][1], Tok) and not any(isinstance(x, Tok) and x.text == "=" for _, x in s)]
    head = " ".join(n.text for n in solid[3:using] if isinstance(n, Tok))
    cols = ", ".join(f"{c} TEXT" for c in names)
    return [Tok("word", f"CREATE TABLE {head} (rowid BIGINT PRIMARY KEY, {cols})")]


def _statement(nodes: list[Node], sql: str) -> list[Node]:
    words = [n.upper for _, n in _solid(nodes)[:4] if isinstance(n, Tok)]
    if words[:1] == ["PRAGMA"]:
        return [Tok("word", "SELECT NULL WHERE FALSE")]
    if words[:2] == ["BEGIN", "IMMEDIATE"] or words[:2] == ["BEGIN", "EXCLUSIVE"]:
        return [Tok("word", "BEGIN")]
    if words[:2] == ["CREATE", "TABLE"]:
        return _create_table(nodes, sql)
    if words[:3] == ["CREATE", "VIRTUAL", "TABLE"]:
        return _virtual_table(nodes, sql)
    if words[:2] == ["ALTER", "TABLE"]:
        return _types(nodes)
    if words[:3] == ["INSERT", "OR", "IGNORE"]:
        solid = _solid(nodes)
        drop = {solid[1][0], solid[2][0], solid[1][0] + 1}
        kept = [n for i, n in enumerate(nodes) if i not in drop]
        return [*kept, Tok("word", " ON CONFLICT DO NOTHING")]
    if words[:2] == ["INSERT", "OR"] or words[:1] == ["REPLACE"]:
        raise _fail("INSERT OR REPLACE (write INSERT ... ON CONFLICT (key) DO UPDATE)", sql)
    if words[:2] == ["INSERT", "INTO"]:
        nodes = _qualify_upsert(nodes)
    return [Tok("word", _TYPES[n.upper]) if isinstance(n, Tok) and n.upper in ("REAL", "BLOB") else n
            for n in nodes]


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> Translated:
    """``sql`` (SQLite dialect, ``?`` placeholders) as PostgreSQL (``%s`` placeholders)."""
    nodes = _nest(_tokens(sql.strip().rstrip(";")), sql)
    rewriter = _Rewriter(sql)
    nodes = rewriter.walk(_statement(nodes, sql))
    return Translated(_render(nodes), tuple(rewriter.fts))


# --- FTS5 queries ---

_FTS_PART = re.compile(r'\s*(?:(?P<col>\w+)\s*:\s*)?"(?P<phrase>(?:[^"]|"")*)"(?P<prefix>\*?)\s*')
_FTS_WORD = re.compile(r"[^\W_]+")


def fts_terms(expression: str) -> str:
    """An FTS5 query (phrases, optional ``column :`` and ``*``, joined by AND) as JSON [column, regex] pairs.

    Each regex finds the phrase's words in order, separated by anything that is not a letter or digit,
    like FTS5's unicode61 tokenizer; ``*`` makes the last word a prefix. ``hw_fts_match`` applies them
    case-insensitively.
    """
    terms: list[list[str | None]] = []
    for part in re.split(r"\s+AND\s+", expression.strip()):
        m = _FTS_PART.fullmatch(part)
        if m is None:
            raise StoreError(f"the full-text query {expression[:80]!r} uses FTS5 syntax harmwatch does not "
                             "translate for PostgreSQL (only quoted phrases joined by AND, with `column :` "
                             "and a trailing `*`); simplify the query.")
        words = _FTS_WORD.findall(m["phrase"].replace('""', '"').lower())
        if not words:
            continue
        body = "[^[:alnum:]]+".join(re.escape(w) for w in words)
        tail = "" if m["prefix"] else "([^[:alnum:]]|$)"
        terms.append([m["col"], f"(^|[^[:alnum:]]){body}{tail}"])
    return json.dumps(terms)
