"""The bad-input corpus: every case is one malformed input (an HDF5 input file, an order export,
a configuration file) or command line, the crmpi command that reads it, the exit code it must end
with (sysexits, kernels/common/errors.hpp) and a regular expression its message must match:
what is wrong and where (dataset and row, file and line, config file and key).

Expected codes and texts come from the documented contract (README "Exit codes", docs/schema.md,
docs/ingest.md), not from crmpi's output. run_corpus.py runs them; docs/RELIABILITY.md lists them.

A case's `make(c)` builds its input under c.work and returns the command's arguments; `c.out` is
where the previous good output lies (results directory for the analysis jobs, HDF5 file for
ingest), which must survive byte-identical."""
import gzip
import os
import shutil

import h5py
import numpy as np


class Case:
    def __init__(self, name, kind, make, code, pattern, out=None, ranks=1):
        self.name, self.kind, self.make, self.code, self.pattern = name, kind, make, code, pattern
        self.out, self.ranks = out, ranks  # out: "results" (a results directory), "ingest" (an HDF5 file), None


# ---- helpers for HDF5 cases: a copy of the good generated file, mutated with h5py ----------------------

def h5case(mutate):
    def make_file(c):
        path = c.path("input.h5")
        shutil.copy(c.good, path)
        with h5py.File(path, "r+") as f:
            mutate(f)
        return path
    return make_file


def setval(path, index, value):
    def m(f):
        a = f[path][()]
        a[index] = value
        f[path][...] = a
    return m


def replace(path, data):
    def m(f):
        attrs = dict(f[path].attrs)
        del f[path]
        f.create_dataset(path, data=data)
        for k, v in attrs.items():
            f[path].attrs[k] = v
    return m


def retype(path, dtype, tweak=None):
    def m(f):
        a = f[path][()].astype(dtype)
        if tweak:
            tweak(a)
        replace(path, a)(f)
    return m


def offset_of(f, customer):
    return int(f["/customers/order_offset"][customer])


def swap(path, i, j):
    def m(f):
        a = f[path][()]
        a[i], a[j] = a[j], a[i]
        f[path][...] = a
    return m


def rfm_on(mutate):
    def make(c):
        return ["rfm", "--input", h5case(mutate)(c), "--out", c.out]
    return make


def validate_on(mutate):
    def make(c):
        return ["validate", h5case(mutate)(c)]
    return make


def rfm_on_bytes(content):
    def make(c):
        path = c.path("input.h5")
        with open(path, "wb") as fh:
            fh.write(content(c) if callable(content) else content)
        return ["rfm", "--input", path, "--out", c.out]
    return make


def truncated(c):
    with open(c.good, "rb") as fh:
        data = fh.read()
    return data[: len(data) // 2]


def h5_superblock_garbage(c):
    # The HDF5 signature, then noise: the library must refuse it, crmpi must say which file.
    rng = np.random.default_rng(17)
    return b"\x89HDF\r\n\x1a\n" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()


HDF5 = [
    Case("dataset /orders/day missing", "hdf5", rfm_on(lambda f: f.__delitem__("/orders/day")), 65,
         r"1 structural problem\(s\):\n  dataset /orders/day is missing", "results", 2),
    Case("money stored as float64", "hdf5", rfm_on(retype("/orders/amount_cents", "f8")), 65,
         r"/orders/amount_cents has type float64.*never floating point", "results", 2),
    Case("order days as float64 holding NaN", "hdf5",
         rfm_on(retype("/orders/day", "f8", lambda a: a.__setitem__(3, np.nan))), 65,
         r"/orders/day has type float64", "results", 2),
    Case("customer ids as strings", "hdf5",
         rfm_on(lambda f: replace("/customers/customer_id", f["/customers/customer_id"][()].astype("S20"))(f)), 65,
         r"/customers/customer_id has type", "results", 2),
    Case("2-D signup_day", "hdf5",
         rfm_on(lambda f: replace("/customers/signup_day", np.stack([f["/customers/signup_day"][()]] * 2, 1))(f)),
         65, r"/customers/signup_day must be 1-D, has 2 dimensions", "results", 2),
    Case("/orders/channel 5 rows long", "hdf5", rfm_on(replace("/orders/channel", np.zeros(5, "u1"))), 65,
         r"/orders/channel has 5 rows", "results", 2),
    Case("schema_version 7", "hdf5", rfm_on(lambda f: f.attrs.__setitem__("schema_version", np.int64(7))), 65,
         r"schema_version is 7", "results", 2),
    Case("as_of_day attribute missing", "hdf5", rfm_on(lambda f: f.attrs.__delitem__("as_of_day")), 65,
         r"as_of_day", "results", 2),
    Case("as_of_day in 2200", "hdf5", rfm_on(lambda f: f.attrs.__setitem__("as_of_day", np.int32(84000))), 65,
         r"as_of_day = 84000 is outside 1970-01-01\.\.2169-12-31", "results", 2),
    Case("currency attribute missing", "hdf5", rfm_on(lambda f: f.attrs.__delitem__("currency")), 65,
         r"currency", "results", 2),
    Case("negative order amount", "hdf5", rfm_on(setval("/orders/amount_cents", 17, -250)), 65,
         r"/orders/amount_cents row 17: .*negative amount", "results", 2),
    # Row 25003 of 28,396: in the second rank's slice, so rank 1 alone sees it.
    Case("absurd order amount", "hdf5", rfm_on(setval("/orders/amount_cents", 25003, 10**13)), 65,
         r"/orders/amount_cents row 25003: .*absurd amount", "results", 2),
    Case("customer ids out of order", "hdf5", rfm_on(swap("/customers/customer_id", 10, 11)), 65,
         r"/customers/customer_id row 11: .*not sorted", "results", 2),
    Case("customer id repeated", "hdf5",
         rfm_on(lambda f: setval("/customers/customer_id", 21, f["/customers/customer_id"][20])(f)), 65,
         r"/customers/customer_id row 21", "results", 2),
    Case("order of an unknown customer", "hdf5", rfm_on(setval("/orders/customer_id", 40, 999)), 65,
         r"/orders/customer_id row 40: .*unknown id", "results", 2),
    Case("order_offset past the orders", "hdf5", rfm_on(setval("/customers/order_offset", 100, 10**9)), 65,
         r"/customers/order_offset row 100: .*beyond the last order", "results", 2),
    Case("order_offset going back", "hdf5",
         rfm_on(lambda f: setval("/customers/order_offset", 50, offset_of(f, 49) - 1)(f)), 65,
         r"/customers/order_offset row 50", "results", 2),
    Case("order day 99999 (year 2243)", "hdf5", rfm_on(setval("/orders/day", 8, 99999)), 65,
         r"/orders/day row 8: .*outside 1970-01-01", "results", 2),
    Case("order day before 1970", "hdf5", rfm_on(setval("/orders/day", 9, -5)), 65,
         r"/orders/day row 9: .*outside 1970-01-01", "results", 2),
    Case("order days unsorted within a customer", "hdf5",
         rfm_on(lambda f: setval("/orders/day", offset_of(f, 5) + 1, 1)(f)), 65, r"/orders/day row \d+: .*sorted by day",
         "results", 2),
    Case("region code outside its dictionary", "hdf5", rfm_on(setval("/customers/region", 2, 200)), 65,
         r"/customers/region row 2: .*outside its dictionary", "results", 2),
    Case("region dictionary missing", "hdf5", rfm_on(lambda f: f.__delitem__("/dictionaries/region")), 65,
         r"/customers/region row 0: code column has no dictionary dataset \(/dictionaries/region is missing\)", "results", 2),
    Case("item of an unknown product", "hdf5", rfm_on(setval("/items/product_id", 9, 10**6)), 65,
         r"/items/product_id row 9: .*unknown product", "results", 2),
    Case("item quantity 0", "hdf5", rfm_on(setval("/items/quantity", 4, 0)), 65, r"/items/quantity row 4",
         "results", 2),
    Case("item quantity 2,000,000", "hdf5", rfm_on(setval("/items/quantity", 6, 2_000_000)), 65,
         r"/items/quantity row 6", "results", 2),
    Case("NPS score 11", "hdf5", rfm_on(setval("/surveys/score", 1, 11)), 65, r"/surveys/score row 1: .*0\.\.10",
         "results", 2),
    Case("survey of an unknown customer", "hdf5", rfm_on(setval("/surveys/customer_id", 2, 10**12)), 65,
         r"/surveys/customer_id row 2", "results", 2),
    Case("negative amount, crmpi validate FILE", "hdf5", validate_on(setval("/orders/amount_cents", 2, -1)), 65,
         r"1 invalid value\(s\) found:\n  /orders/amount_cents row 2: value -1: negative amount", None, 2),
    Case("last order_offset short of the orders", "hdf5",
         rfm_on(lambda f: setval("/customers/order_offset", -1, int(f["/customers/order_offset"][-1]) - 1)(f)), 65,
         # row 3000: n_customers + 1 offsets (generate --customers 3000); the value is one short of n_orders.
         r"/customers/order_offset row 3000: value (\d+): last offset must equal the number of orders", "results", 2),
    Case("order filed under its neighbour's customer id", "hdf5",
         rfm_on(lambda f: setval("/orders/customer_id", offset_of(f, 7), f["/customers/customer_id"][8])(f)), 65,
         r"/orders/customer_id row \d+: .*order is in the offset range of customer_id", "results", 2),
    Case("item_offset going back", "hdf5",
         rfm_on(lambda f: setval("/orders/item_offset", 30, int(f["/orders/item_offset"][29]) - 1)(f)), 65,
         r"/orders/item_offset row 30: .*offsets must not decrease", "results", 2),
    Case("survey day out of range", "hdf5", rfm_on(setval("/surveys/day", 3, -100)), 65, r"/surveys/day row 3: value -100: day outside 1970-01-01\.\.2169-12-31", "results", 2),
    Case("channel code outside its dictionary", "hdf5", rfm_on(setval("/orders/channel", 5, 250)), 65, r"/orders/channel row 5: value 250: code outside its dictionary",
         "results", 2),
    Case("empty file (0 bytes)", "hdf5", rfm_on_bytes(b""), 65, r"input\.h5.*is empty", "results"),
    Case("HDF5 file cut in half", "hdf5", rfm_on_bytes(truncated), 65, r"input\.h5", "results"),
    Case("HDF5 signature then noise", "hdf5", rfm_on_bytes(h5_superblock_garbage), 65, r"input\.h5", "results"),
    Case("CSV text given as HDF5", "hdf5", rfm_on_bytes(b"customer,day,amount\n1,2,3\n"), 65,
         r"input\.h5.*not an HDF5 file", "results"),
    Case("input file missing", "hdf5", lambda c: ["rfm", "--input", c.path("nope.h5"), "--out", c.out], 66,
         r"nope\.h5.*does not exist", "results"),
    Case("a directory as input", "hdf5", lambda c: ["rfm", "--input", c.work, "--out", c.out], 66,
         r"is a directory|not a regular file", "results"),
]

# ---- order exports for `crmpi ingest` --------------------------------------------------------------------

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
ROWS = [f"5{i:05d},P{i % 7},NAME {i},{1 + i % 4},2010-12-{1 + i % 20:02d} 09:00:00,1.{i % 100:02d},{17000 + i % 30},France"
        for i in range(60)]
# The first lines of CDNOW_sample.txt (../shared/data/cdnow), verbatim: no header line; master id,
# sample id, YYYYMMDD, CDs, dollars.
CDNOW_SAMPLE_HEAD = [" 00004 0001 19970101  2   29.33", " 00004 0001 19970118  2   29.73",
                     " 00004 0001 19970802  1   14.96", " 00004 0001 19971212  2   26.48",
                     " 00018 0002 19970101  2   29.73", " 00021 0003 19970101  3   63.34"]


def csv_with(bad_line=None, header=HEADER, rows=ROWS, at=30):
    """The good rows with `bad_line` as physical line `at` (the header is line 1)."""
    lines = [header] + rows[:at - 2] + ([bad_line] if bad_line is not None else []) + rows[at - 2:]
    return "\n".join(lines) + "\n"


def ingest_text(text, *flags, name="orders.csv", binary=False):
    def make(c):
        path = c.path(name)
        with open(path, "wb") as fh:
            fh.write(text if binary else text.encode())
        return ["ingest", "--out", c.out, *flags, path]
    return make


def gz_truncated():
    z = gzip.compress((csv_with() * 30).encode())
    return z[: len(z) // 2]


def gz_corrupt():
    z = bytearray(gzip.compress((csv_with() * 30).encode()))
    for k in range(200, 260):
        z[k] ^= 0x5A
    return bytes(z)


CSV = [
    # The trap of issue 17: CDNOW_sample.txt has no header; with the default --header its first
    # record was taken for one and "--customer-col 2" matched the field "2" (a CD count) by name.
    Case("CDNOW_sample without --no-header", "csv",
         ingest_text("\n".join(CDNOW_SAMPLE_HEAD) + "\n", "--format", "whitespace", "--customer-col", "2",
                     "--date-col", "3", "--quantity-col", "4", "--amount-col", "5", name="CDNOW_sample.txt"),
         65, r"CDNOW_sample\.txt' line 1 looks like data.*--no-header", "ingest"),
    Case("column index that is also a header name", "csv",
         ingest_text("customer,date,amount,2\n17850,2010-12-01,2.50,1\n17851,2010-12-02,3.00,4\n",
                     "--customer-col", "2", "--date-col", "date", "--amount-col", "amount"),
         78, r"--customer-col 2 is ambiguous in '.*orders\.csv': column 2 by position, or column 4", "ingest"),
    Case("impossible date (month 13)", "csv", ingest_text(csv_with(
        "536999,85123A,THING,6,2010-13-01 08:26:00,2.55,17850,France")), 65,
         r"orders\.csv:30: unparsable date '2010-13-01 08:26:00': month outside 1\.\.12", "ingest", 2),
    Case("date before 1970", "csv", ingest_text(csv_with("536999,85123A,THING,6,1969-12-31 08:26:00,2.55,17850,France")),
         65, r"orders\.csv:30: .*1969-12-31", "ingest"),
    Case("NaN unit price", "csv", ingest_text(csv_with("536999,85123A,THING,6,2010-12-01 08:26:00,NaN,17850,France")),
         65, r"orders\.csv:30: unparsable price", "ingest"),
    Case("quantity with an exponent", "csv",
         ingest_text(csv_with("536999,85123A,THING,1e3,2010-12-01 08:26:00,2.55,17850,France")), 65,
         r"orders\.csv:30: .*quantity", "ingest"),
    # Line 58 of 61: in the second rank's byte range, so rank 1 alone sees it.
    Case("a line with 7 columns of 8", "csv",
         ingest_text(csv_with("536999,85123A,THING,6,2010-12-01 08:26:00,2.55,17850", at=58)), 65,
         r"orders\.csv:58: wrong number of columns \(7 columns, expected 8\)", "ingest", 2),
    Case("unterminated quote", "csv",
         ingest_text(csv_with('536999,85123A,"THING,6,2010-12-01 08:26:00,2.55,17850,France')), 65,
         r"orders\.csv:30: .*quote", "ingest"),
    Case("text after a closing quote", "csv",
         ingest_text(csv_with('536999,85123A,"THING"x,6,2010-12-01 08:26:00,2.55,17850,France')), 65,
         r"orders\.csv:30: .*quote", "ingest"),
    Case("NUL bytes in a line", "csv",
         ingest_text(csv_with("536999,85123A,TH\0NG,6,2010-12-01 08:26:00,2.\x0055,17850,France"), name="nul.csv"), 65,
         r"nul\.csv:30: unparsable price '2\.\\x0055': ", "ingest"),
    Case("quantity over 1,000,000", "csv",
         ingest_text(csv_with("536999,85123A,THING,2000000,2010-12-01 08:26:00,2.55,17850,France")), 65,
         r"orders\.csv:30: .*quantity", "ingest"),
    Case("truncated last line", "csv", ingest_text(csv_with() + "536999,85123A,THI"), 65, r"orders\.csv:62: ", "ingest"),
    Case("empty export", "csv", ingest_text(""), 65, r"orders\.csv.*empty", "ingest"),
    Case("header line only", "csv", ingest_text(HEADER + "\n"), 65,
         r"no data lines in '.*orders\.csv' \(empty input, or a header line only\)", "ingest"),
    Case("no customer column", "csv",
         ingest_text(csv_with(header=HEADER.replace("CustomerID", "Client"))), 65,
         r"orders\.csv' has no customer column.*--customer-col", "ingest"),
    Case("semicolon export read as comma", "csv", ingest_text(csv_with().replace(",", ";")), 65,
         r"orders\.csv' has no customer column", "ingest"),
    Case("mapping names an absent column", "csv", ingest_text(csv_with(), "--region-col", "Continent"), 78,
         r"--region-col 'Continent': no such column in '.*orders\.csv' \(columns: InvoiceNo", "ingest"),
    Case("column index beyond the columns", "csv", ingest_text(csv_with(), "--customer-col", "12"), 78,
         r"--customer-col 12: '.*orders\.csv' has 8 columns", "ingest"),
    Case("gzip cut in half", "csv", ingest_text(gz_truncated(), name="orders.csv.gz", binary=True), 65,
         r"orders\.csv\.gz", "ingest"),
    Case("gzip with corrupt deflate data", "csv", ingest_text(gz_corrupt(), name="corrupt.csv.gz", binary=True), 65,
         r"corrupt\.csv\.gz", "ingest"),
    Case("more than 255 order channels", "csv",
         ingest_text("CustomerID,InvoiceDate,Amount,Channel\n" +
                     "".join(f"{i},2011-01-01,1.00,ch{i}\n" for i in range(300)), "--channel-col", "Channel"),
         65, r"more than 255 distinct order channels \(300\) in the column of --channel-col Channel", "ingest"),
    Case("survey score 11", "csv",
         lambda c: ingest_text(csv_with(), "--surveys-file", write(c, "surveys.csv",
                                                                    "customer_id,date,score\n17001,2011-01-02,11\n"))(c),
         65, r"surveys\.csv:2: NPS score", "ingest"),
    Case("export file missing", "csv", lambda c: ["ingest", "--out", c.out, c.path("missing.csv")], 66,
         r"missing\.csv", "ingest"),
]


def write(c, name, text):
    path = c.path(name)
    with open(path, "w") as fh:
        fh.write(text)
    return path


# ---- configuration files (TOML, --config) -----------------------------------------------------------------

def rfm_config(text, *extra):
    def make(c):
        return ["rfm", "--input", c.good, "--out", c.out, "--config", write(c, "q3.toml", text), *extra]
    return make


def ingest_config(text):
    def make(c):
        return ["ingest", "--out", c.out, "--config", write(c, "q3.toml", text), write(c, "orders.csv", csv_with())]
    return make


CONFIG = [
    Case("unknown key in [rfm]", "config", rfm_config('[rfm]\nsegmnts = "typo.toml"\n'), 78,
         r"q3\.toml: rfm\.segmnts: unknown option", "results"),
    Case("unknown table", "config", rfm_config("[rfmx]\n"), 78, r"q3\.toml: \[rfmx\]: unknown table", "results"),
    Case("table of no job ([segments])", "config", rfm_config("[segments]\nk = 8\n"), 78,
         r"q3\.toml: \[segments\]: unknown table", "results"),
    Case("string where an integer goes", "config", rfm_config('chunk-rows = "many"\n'), 78,
         r"q3\.toml: chunk-rows: expected an integer", "results"),
    Case("negative chunk-rows", "config", rfm_config("chunk-rows = -4096\n"), 78,
         r"q3\.toml: chunk-rows: must not be negative", "results"),
    Case("string where true/false goes", "config", ingest_config('[ingest]\nheader = "yes"\n'), 78,
         r"q3\.toml: ingest\.header: expected true or false", "ingest"),
    Case("TOML syntax error", "config", rfm_config('[rfm]\nas-of = 2025-01-01\nsegments = "a.toml\n'), 78,
         r"q3\.toml:3:\d+: ", "results"),
    Case("key given twice", "config", rfm_config('chunk-rows = 4096\nchunk-rows = 8192\n'), 78,
         r"q3\.toml:2:\d+: .*chunk-rows", "results"),
    Case("impossible as-of date", "config", rfm_config('[rfm]\nas-of = "2025-13-01"\n'), 78,
         r"q3\.toml: rfm\.as-of: --as-of must be a real date YYYY-MM-DD, got '2025-13-01'", "results"),
    Case("input in the config file missing", "config",
         lambda c: ["rfm", "--out", c.out, "--config", write(c, "q3.toml", f'input = "{c.path("gone.h5")}"\n')], 66,
         r"gone\.h5.*does not exist", "results"),
    Case("config file missing", "config", lambda c: ["rfm", "--input", c.good, "--out", c.out, "--config",
                                                      c.path("nowhere.toml")], 78,
         r"config file '.*nowhere\.toml' does not exist", "results"),
    Case("ingest format xml", "config", ingest_config('[ingest]\nformat = "xml"\n'), 78,
         r"q3\.toml: ingest\.format: --format must be csv, whitespace, fimi or basket-csv, got 'xml'", "ingest"),
    Case("two-character delimiter", "config", ingest_config('[ingest]\ndelimiter = ";;"\n'), 78,
         r"q3\.toml: ingest\.delimiter: --delimiter must be one character", "ingest"),
    Case("segment table leaving cells unassigned", "config",
         lambda c: ["rfm", "--input", c.good, "--out", c.out, "--segments",
                    write(c, "segments.toml", '[[segment]]\nname = "Everyone"\ncells = ["* * 1-4"]\n')], 78,
         r"R1 F1 M5 belongs to no segment", "results"),
]

# ---- command lines -------------------------------------------------------------------------------------

CLI = [
    Case("unknown option", "cli", lambda c: ["rfm", "--input", c.good, "--out", c.out, "--bogus"], 64, r"--bogus",
         "results"),
    Case("chunk-rows below 1024", "cli", lambda c: ["rfm", "--input", c.good, "--out", c.out, "--chunk-rows", "5"],
         78, r"--chunk-rows must be at least 1024", "results"),
    Case("as-of 2025-02-30", "cli", lambda c: ["rfm", "--input", c.good, "--out", c.out, "--as-of", "2025-02-30"],
         78, r"--as-of must be a real date", "results"),
    Case("validate FILE and --input FILE", "cli", lambda c: ["validate", c.good, "--input", c.good], 64,
         r"input file is given twice", None),
    Case("validate without a file", "cli", lambda c: ["validate"], 78,
         r"the input file is required: crmpi validate FILE, --input FILE", None),
    Case("no subcommand", "cli", lambda c: [], 64, r"subcommand", None),
]

ALL = HDF5 + CSV + CONFIG + CLI
