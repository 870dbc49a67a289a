"""Load marktstem output tables into pandas, with or without pyarrow/polars.

The notebooks in this directory use only this module to reach marktstem:

    import marktstem_io as mio
    out = mio.output_dir()                  # $MARKTSTEM_OUT, else a fresh `score seeds/`
    articles = mio.load_table(mio.table_path("articles", out))
    schema = mio.schema(mio.table_path("articles", out))

load_table reads Arrow IPC (.arrow/.feather), Parquet (.parquet) or a
Hive-partitioned directory of either (NAME/date=…/part-0.*) with polars
or pyarrow when one of them is importable. Where neither is installed (as on
our CI machines) it runs `marktstem cat --format csv` and parses the CSV with
the column types from `marktstem cat --schema`, so every path gives the same
pandas dtypes: dates as datetime64, list<utf8> as Python lists, bools as
bool, integers as int64, nullable strings with None for null.

Environment:
    MARKTSTEM_BIN   marktstem binary to use (default: `go build` into a temp dir,
                    else `marktstem` on PATH)
    MARKTSTEM_OUT   directory holding a `marktstem score` output (default: score
                    seeds/ into a temp dir)
    MARKTSTEM_EVAL  directory with the labelled eval TSVs (default: ../shared/eval
                    relative to the repository)
    MARKTSTEM_LOADER  force a loader: polars, pyarrow or cli
"""

from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

__all__ = [
    "table_path",
    "explain_hits",
    "repo_root",
    "binary",
    "output_dir",
    "eval_dir",
    "loader",
    "load_table",
    "schema",
    "run",
    "split_term",
]

MODULE = "module github.com/marktstem/marktstem"
# Fixed run time so that re-executing a notebook records the same metadata.
RUN_TIME = "2024-06-01T00:00:00Z"

_cache: dict = {}


def _tmpdir() -> Path:
    if "tmp" not in _cache:
        d = Path(tempfile.mkdtemp(prefix="marktstem-nb-"))
        atexit.register(shutil.rmtree, d, True)
        _cache["tmp"] = d
    return _cache["tmp"]


def repo_root() -> Path:
    """The marktstem checkout: the first parent of this file or of the working
    directory whose go.mod declares the marktstem module."""
    if "root" in _cache:
        return _cache["root"]
    starts = [Path(__file__).resolve().parent, Path.cwd().resolve()]
    for start in starts:
        for d in [start, *start.parents]:
            gomod = d / "go.mod"
            if gomod.is_file() and MODULE in gomod.read_text(errors="replace"):
                _cache["root"] = d
                return d
    raise FileNotFoundError("cannot find the marktstem repository (go.mod) above "
                            + ", ".join(map(str, starts)))


def binary() -> str:
    """Path of a marktstem binary: $MARKTSTEM_BIN, else built from this checkout
    with `go build`, else `marktstem` on PATH."""
    if "bin" in _cache:
        return _cache["bin"]
    b = os.environ.get("MARKTSTEM_BIN")
    if b:
        if not (Path(b).is_file() and os.access(b, os.X_OK)):
            raise FileNotFoundError(f"MARKTSTEM_BIN={b} is not an executable file")
    elif shutil.which("go"):
        b = str(_tmpdir() / "marktstem")
        subprocess.run(["go", "build", "-o", b, "./cmd/marktstem"],
                       cwd=repo_root(), check=True)
    elif shutil.which("marktstem"):
        b = shutil.which("marktstem")
    else:
        raise FileNotFoundError("no marktstem binary: set MARKTSTEM_BIN, install Go, "
                                "or put marktstem on PATH")
    _cache["bin"] = b
    return b


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    """Run the marktstem binary with args (from the repository root); raise with
    its stderr when it fails."""
    p = subprocess.run([binary(), *map(str, args)], cwd=kw.pop("cwd", repo_root()),
                       capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"marktstem {' '.join(map(str, args))} exited {p.returncode}:\n"
                           + p.stderr[-4000:])
    return p


def output_dir() -> Path:
    """A `marktstem score` output directory: $MARKTSTEM_OUT, else seeds/ scored
    into a temp dir (once per process)."""
    if "out" in _cache:
        return _cache["out"]
    o = os.environ.get("MARKTSTEM_OUT")
    if o:
        out = Path(o)
        table_path("articles", out)   # raises when there is no articles table
    else:
        out = _tmpdir() / "out"
        run("score", "--quiet", "--run-time", RUN_TIME, "--out", out, "seeds/")
    _cache["out"] = out
    return out


TABLE_EXTS = (".arrow", ".feather", ".parquet")


def table_path(name: str, out: Path | None = None) -> Path:
    """Path of output table name (articles, mentions, company_daily) in out:
    NAME.arrow, else NAME.parquet, else a Hive-partitioned directory NAME/
    (date=…/part-0.*), which load_table and schema read as one table."""
    out = Path(out) if out is not None else output_dir()
    for ext in TABLE_EXTS:
        p = out / (name + ext)
        if p.exists():
            return p
    if (out / name).is_dir():
        return out / name
    raise FileNotFoundError(f"no {name}.arrow, {name}.parquet or {name}/ in {out}")


def _parts(path: Path) -> list[Path]:
    """The files of a table: path itself, or a partitioned directory's part files
    in sorted (date) order."""
    if not path.is_dir():
        return [path]
    parts = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TABLE_EXTS)
    if not parts:
        raise FileNotFoundError(f"no table files under {path}")
    return parts


def eval_dir() -> Path | None:
    """Directory of the labelled eval sets ($MARKTSTEM_EVAL, else ../shared/eval
    next to the repository), or None when it is absent."""
    e = os.environ.get("MARKTSTEM_EVAL")
    d = Path(e) if e else repo_root().parent / "shared" / "eval"
    return d if d.is_dir() else None


def loader() -> str:
    """Which loader load_table uses: polars, pyarrow or cli."""
    forced = os.environ.get("MARKTSTEM_LOADER")
    if forced:
        if forced not in ("polars", "pyarrow", "cli"):
            raise ValueError(f"MARKTSTEM_LOADER={forced}: want polars, pyarrow or cli")
        return forced
    for mod in ("polars", "pyarrow"):
        try:
            __import__(mod)
            return mod
        except ImportError:
            pass
    return "cli"


# ---- schema -----------------------------------------------------------------

_SCHEMA_LINE = re.compile(r"^\s+(\S+)\s+(\S+(?:<[^>]*>)?)\s+(not null|nullable)\s*$")


def _cli_schema(path: Path) -> tuple[pd.DataFrame, dict]:
    text = run("cat", "--schema", path).stdout
    cols, meta, section = [], {}, None
    for line in text.splitlines():
        if line.startswith("columns:"):
            section = "columns"
            continue
        if line.startswith("metadata:"):
            section = "metadata"
            continue
        if not line.startswith(" "):
            section = None
            continue
        if section == "columns":
            m = _SCHEMA_LINE.match(line)
            if m:
                cols.append((m.group(1), m.group(2), m.group(3) == "nullable"))
        elif section == "metadata":
            k, _, v = line.strip().partition(" ")
            meta[k] = v.strip()
    if not cols:
        raise RuntimeError(f"could not parse `marktstem cat --schema {path}`:\n{text[:2000]}")
    return pd.DataFrame(cols, columns=["column", "type", "nullable"]), meta


def _pyarrow_schema(path: Path) -> tuple[pd.DataFrame, dict]:
    import pyarrow as pa
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        s = pq.read_schema(path)
    else:
        with pa.memory_map(str(path)) as f:
            s = pa.ipc.open_file(f).schema
    rows = [(f.name, _arrow_type_name(f.type), f.nullable) for f in s]
    meta = {k.decode(): v.decode() for k, v in (s.metadata or {}).items()}
    return pd.DataFrame(rows, columns=["column", "type", "nullable"]), meta


def _arrow_type_name(t) -> str:
    s = str(t)
    # pyarrow prints list<item: string>; marktstem prints list<utf8>.
    s = s.replace("string", "utf8").replace("double", "float64").replace("item: ", "").replace("[day]", "")
    return s


def schema(path, with_metadata: bool = False):
    """Columns of an output table as a DataFrame (column, type, nullable); with
    with_metadata, also the schema metadata as a dict."""
    path = _parts(Path(path))[0]
    if loader() == "pyarrow" or (loader() == "polars" and _importable("pyarrow")):
        df, meta = _pyarrow_schema(path)
    else:
        df, meta = _cli_schema(path)
    return (df, meta) if with_metadata else df


def _importable(mod: str) -> bool:
    try:
        __import__(mod)
        return True
    except ImportError:
        return False


# ---- tables -----------------------------------------------------------------

def load_table(path, columns=None) -> pd.DataFrame:
    """Read an output table (Arrow IPC or Parquet) into a pandas DataFrame with
    the same dtypes whichever loader is used (see the module docstring)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_dir():
        df = pd.concat([load_table(p) for p in _parts(path)], ignore_index=True)
        return df[list(columns)] if columns is not None else df
    how = loader()
    if how == "polars":
        df = _load_polars(path)
    elif how == "pyarrow":
        df = _load_pyarrow(path)
    else:
        df = _load_cli(path)
    df = _normalise(df, schema(path) if how == "cli" else None)
    if columns is not None:
        df = df[list(columns)]
    return df


def _load_polars(path: Path) -> pd.DataFrame:
    import polars as pl
    t = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_ipc(path, memory_map=False)
    # to_dict avoids polars' to_pandas, which needs pyarrow.
    return pd.DataFrame(t.to_dict(as_series=False), columns=t.columns)


def _load_pyarrow(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        t = pq.read_table(path)
    else:
        import pyarrow.feather as feather
        t = feather.read_table(path)
    return t.to_pandas()


def _load_cli(path: Path) -> pd.DataFrame:
    cols = schema(path)
    text = run("cat", "--format", "csv", path).stdout
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    for name, typ, nullable in cols.itertuples(index=False):
        if name not in df.columns:
            continue
        s = df[name]
        empty = s == ""
        t = typ.lower()
        if t.startswith("list") or t.startswith("large_list"):
            df[name] = [[] if v == "" else v.split("|") for v in s]
        elif t.startswith("date") or t.startswith("timestamp"):
            df[name] = pd.to_datetime(s.where(~empty), utc=t.startswith("timestamp") and "tz" in t)
        elif t == "bool":
            df[name] = s.map({"true": True, "false": False, "": None})
            if not nullable:
                df[name] = df[name].astype(bool)
        elif t.startswith("int") or t.startswith("uint"):
            df[name] = pd.to_numeric(s.where(~empty))
            if not nullable or not empty.any():
                df[name] = df[name].astype("int64")
        elif t.startswith("float") or t in ("double", "halffloat"):
            df[name] = pd.to_numeric(s.where(~empty)).astype("float64")
        elif nullable:
            df[name] = s.where(~empty, None)
    return df


def _normalise(df: pd.DataFrame, cols: pd.DataFrame | None) -> pd.DataFrame:
    """Same dtypes whichever loader read the table."""
    for name in df.columns:
        s = df[name]
        if s.dtype == object and len(s):
            first = next((v for v in s if v is not None), None)
            if first is not None and not isinstance(first, (str, bool, list)) \
                    and hasattr(first, "__len__") and not isinstance(first, dict):
                df[name] = [list(v) if v is not None else [] for v in s]   # numpy arrays
            elif first is not None and type(first).__name__ == "date":
                df[name] = pd.to_datetime(s)
        elif pd.api.types.is_datetime64_any_dtype(s) and getattr(s.dt, "tz", None) is None:
            df[name] = s.astype("datetime64[ns]")
        elif pd.api.types.is_integer_dtype(s):
            df[name] = s.astype("int64")
    return df


# ---- helpers used by the notebooks ------------------------------------------

_TERM = re.compile(r"^(?P<term>.*)\((?P<weight>[+-]?\d+(?:\.\d+)?)\)$")


def split_term(item: str) -> tuple[str, float]:
    """'exportvergunningen(+0.91)' → ('exportvergunningen', 0.91)."""
    m = _TERM.match(item.strip())
    if not m:
        return item, float("nan")
    return m.group("term"), float(m.group("weight"))


_EXPLAIN_HIT = re.compile(
    r'^\s+s(?P<sentence>\d+)\s+(?P<kind>risk|sentiment)\s+"(?P<surface>[^"]*)"\s+'
    r'\[(?P<start>\d+):(?P<end>\d+)\]\s+(?P<lexicon>\S+)\s+(?P<entry>.*?)'
    r'(?:\s+\((?P<category>[^)]+)\))?\s+(?:via \S+\s+)?(?P<weight>[+-]\d+\.\d+)'
    r'(?P<rest>(?:\s.*)?)$')
_FINAL = re.compile(r'=\s*([+-]\d+\.\d+)\s*$')


def explain_hits(article_id: str, inputs=("seeds/",)) -> pd.DataFrame:
    """Every sentiment and risk hit of one article from `marktstem explain`
    (columns kind, sentence, surface, lexicon, entry, category, weight): the
    words behind its scores. Empty when the explain format is not recognised."""
    text = run("explain", "--id", article_id, *inputs).stdout
    rows = []
    for line in text.splitlines():
        m = _EXPLAIN_HIT.match(line)
        if not m:
            continue
        entry = m.group("entry")
        via = re.search(r"\s+via \S+$", entry)
        if via:
            entry = entry[:via.start()]
        final = _FINAL.search(m.group("rest"))
        w = final.group(1) if final else m.group("weight")
        rows.append(dict(article_id=article_id, kind=m.group("kind"),
                         sentence=int(m.group("sentence")), surface=m.group("surface"),
                         lexicon=m.group("lexicon"), entry=entry,
                         category=m.group("category"), weight=float(w)))
    return pd.DataFrame(rows, columns=["article_id", "kind", "sentence", "surface",
                                       "lexicon", "entry", "category", "weight"])
