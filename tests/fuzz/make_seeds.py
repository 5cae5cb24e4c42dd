#!/usr/bin/python3
"""Seed inputs of one fuzz target, made from the real data sets (CRMPI_SHARED_DATA, default
../shared/data next to the checkout) plus a few built-in ones, so a run starts from inputs shaped
like what crmpi reads. Where the data sets are absent only the built-in seeds are written.

usage: make_seeds.py TARGET OUTDIR"""
import gzip
import os
import sys

target, out = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
source = os.path.abspath(os.path.join(here, "..", ".."))
shared = os.environ.get("CRMPI_SHARED_DATA") or os.path.join(source, "..", "shared", "data")
HEAD = 1500  # bytes of each file: seeds stay small and fast to mutate

# (file, dialect byte of the splitter/reader targets: 0 comma, 1 tab, 3 whitespace)
FILES = [("cdnow/CDNOW_master.txt", 3), ("cdnow/CDNOW_sample.txt", 3), ("cdnow/cdnow_summary_39w.csv", 0),
         ("baskets/groceries.csv", 0), ("baskets/retail.dat", 3), ("baskets/chess.dat", 3),
         ("grocery-elog/groceryElog.csv", 0), ("online-retail/online_retail_2010_2011.csv.gz", 0),
         ("online-retail/online_retail_II_2009_2010.csv.gz", 0)]
BUILTIN = [(b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n"
            b'536365,85123A,"WHITE ""HANGING"" HEART",6,12/1/2010 8:26,2.55,17850,United Kingdom\r\n'
            b'536366,22633,12" RECORD,6,2010-12-01T08:28:00Z,1.85,,France\n536367,POST,x,-1,2010-12-01,0,1\n', 0),
           (b"a\tb\tc\n1\t2\t3\n", 1)]


def heads():
    got = []
    for rel, dialect in FILES:
        p = os.path.join(shared, rel)
        if not os.path.exists(p):
            continue
        opener = gzip.open if p.endswith(".gz") else open
        with opener(p, "rb") as fh:
            text = fh.read(HEAD)
        got.append((os.path.basename(rel).split(".")[0], text[: text.rfind(b"\n") + 1], dialect))
    if not got:
        print(f"make_seeds: {shared} absent: built-in seeds only")
    return got + [(f"builtin{k}", t, d) for k, (t, d) in enumerate(BUILTIN)]


def write(name, data):
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(data)


os.makedirs(out, exist_ok=True)
files = heads()
if target == "fuzz_field_splitter":
    for name, text, d in files:
        for cols in (0, 4):
            write(f"{name}_{cols}", bytes([d, cols]) + text)
elif target == "fuzz_text_reader":
    for name, text, d in files:
        for header in (0, 4):
            write(f"{name}_{header}", bytes([d | header | (1 << 5), 3]) + text)
elif target == "fuzz_parsers":
    tokens = set()
    for _, text, _ in files:
        for line in text.splitlines()[:40]:
            tokens.update(t for t in line.replace(b",", b" ").replace(b"\t", b" ").split(b" ") if t)
            tokens.update(line.split(b",")[4:5])  # UCI timestamps hold a blank
    tokens.update([b"2010-12-01 08:26:00", b"12/1/2010 8:26", b"2010-12-01T08:26:00.123Z", b"-0.005", b"1e3",
                   b"9223372036854775807", b"0.1234567", b"2024-02-29", b"NaN"])
    for k, t in enumerate(sorted(tokens)[:400]):
        write(f"t{k}", t)
elif target == "fuzz_gzip_reader":
    for name, text, _ in files:
        z = gzip.compress(text, mtime=0)
        write(f"{name}.gz", z)
        write(f"{name}_2members.gz", z + gzip.compress(text[:200], mtime=0))
        write(f"{name}_trailing.gz", z + b"junk")
elif target == "fuzz_toml_config":
    for rel in ("config/q3.example.toml", "config/rfm_segments.toml"):
        with open(os.path.join(source, rel), "rb") as fh:
            write(os.path.basename(rel), fh.read())
    write("types.toml", b'input = "x.h5"\nchunk-rows = 4096\n[clv]\ndiscount-rate = 0.01\nmodels = ["bgnbd", "gg"]\n'
                        b'[kmeans]\nk = 8\n[ingest]\nheader = false\n[rfm]\nsegments = "s.toml"\n')
elif target == "fuzz_h5_validate":
    import h5_template  # noqa: E402  (h5py: only this target needs it)
    h5_template.write(os.path.join(out, "..", "template.h5"))
    write("unchanged", b"")  # the valid file itself
    # One edit per column (byte 0 % columns): row 1, value 0xff..: out of every range.
    for col in range(20):
        write(f"edit{col}", bytes([col, 1, 0]) + b"\xff" * 8)
else:
    sys.exit(f"make_seeds: unknown target {target}")
