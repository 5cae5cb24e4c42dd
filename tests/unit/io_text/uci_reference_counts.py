#!/usr/bin/python3
"""Independent reference counts for the UCI Online Retail exports (pandas + decimal, not crmpi).

Used by tests/unit/io_text/uci_online_retail_test.cpp (per-line flags and classes, raw duplicates,
total amount) and tests/e2e/ingest/ingest_e2e.py (what `crmpi ingest` keeps). The line rules are
applied as docs/ingest.md states them ("What happens to each line"), written here from that text:
  flags    adjustment: invoice starts with "A"; missing customer: empty CustomerID; cancel invoice:
           starts with "C"; negative quantity; non-product: stock code (case-insensitive) in
           POST DOT C2 M D S B "BANK CHARGES" AMAZONFEE CRUK PADS or starting with ADJUST, TEST,
           GIFT_0001_; zero price; negative price
  class    the first of adjustment, missing customer, cancellation (C invoice or quantity < 0),
           non-product, non-positive price (<= 0); else sale
  ingest   duplicate = a sale line equal to an earlier sale line in every mapped field (values);
           kept = the other sale lines; customers = distinct CustomerID of kept lines; orders =
           distinct (CustomerID, invoice) of kept lines; as_of = the last kept order day.
Money is exact: Decimal(quantity) * Decimal(price) * 100, rounded half away from zero per line.

Run: /usr/bin/python3 tests/unit/io_text/uci_reference_counts.py [DATA_DIR]
     (DATA_DIR defaults to $CRMPI_SHARED_DATA or ../shared/data; about a minute of CPU)
"""
import datetime
import os
import sys
from decimal import Decimal, ROUND_HALF_UP

import pandas as pd

NON_PRODUCT = {"POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"}
NON_PRODUCT_PREFIXES = ("ADJUST", "TEST", "GIFT_0001_")
COLS = ["invoice", "stock", "desc", "qty", "date", "price", "customer", "country"]


def load(path):
    # Every column as text, empty stays empty (no NaN): the file's own values.
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = COLS
    return df


def classify(df):
    qty = df.qty.astype(int)
    price = df.price.map(Decimal)
    code = df.stock.str.upper()
    flags = pd.DataFrame({
        "adjustment_invoice": df.invoice.str.startswith("A"),
        "missing_customer": df.customer == "",
        "cancel_invoice": df.invoice.str.startswith("C"),
        "negative_quantity": qty < 0,
        "non_product": code.isin(NON_PRODUCT) | code.str.startswith(NON_PRODUCT_PREFIXES),
        "zero_price": price == 0,
        "negative_price": price < 0,
    })
    cls = pd.Series("sale", index=df.index)
    order = [("non_positive_price", flags.zero_price | flags.negative_price), ("non_product", flags.non_product),
             ("cancellation", flags.cancel_invoice | flags.negative_quantity),
             ("missing_customer", flags.missing_customer), ("adjustment", flags.adjustment_invoice)]
    for name, mask in order:  # reverse priority: the last assignment (highest priority) wins
        cls[mask] = name
    return flags, cls


def cents(df):
    total = 0
    for q, p in zip(df.qty, df.price):
        total += int((Decimal(q) * Decimal(p) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return total  # ROUND_HALF_UP in decimal is half away from zero


def day_number(text):
    return (datetime.date.fromisoformat(text[:10]) - datetime.date(1970, 1, 1)).days


def values(df):
    """Mapped fields as values (quantity an integer, price a normalised decimal)."""
    v = df.copy()
    v["qty"] = v.qty.astype(int)
    v["price"] = v.price.map(lambda s: str(Decimal(s).normalize()))
    return v


def ingest_counts(df):
    flags, cls = classify(df)
    sale = values(df[cls == "sale"])
    dup = sale.duplicated(keep="first")
    kept = sale[~dup]
    out = {k: int((cls == k).sum()) for k in ("adjustment", "missing_customer", "cancellation", "non_product",
                                               "non_positive_price")}
    out.update(lines=len(df), duplicate=int(dup.sum()), kept=len(kept),
               customers=kept.customer.nunique(), orders=len(kept.groupby(["customer", "invoice"])),
               items=len(kept.groupby(["customer", "invoice", "stock"])), products=kept.stock.nunique(),
               first_customer=int(kept.customer.astype(int).min()), last_customer=int(kept.customer.astype(int).max()),
               as_of_day=max(day_number(d) for d in kept.date))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CRMPI_SHARED_DATA", "../shared/data")
    f1 = load(os.path.join(root, "online-retail", "online_retail_2010_2011.csv.gz"))
    f2 = load(os.path.join(root, "online-retail", "online_retail_II_2009_2010.csv.gz"))

    print("# uci_online_retail_test.cpp RealData.UciOnlineRetail2010To2011 (every line)")
    flags, cls = classify(f1)
    print("lines", len(f1), "invoices", f1.invoice.nunique(), "codes", f1.stock.nunique(),
          "customers", f1.customer[f1.customer != ""].nunique(), "countries", f1.country.nunique())
    print("days", min(d[:10] for d in f1.date), "..", max(d[:10] for d in f1.date))
    for k in flags:
        print("flag", k, int(flags[k].sum()))
    for k, n in cls.value_counts().sort_index().items():
        print("class", k, n)
    print("raw duplicate lines", int(f1.duplicated().sum()))
    print("total cents", cents(f1))

    print("# uci_online_retail_test.cpp RealData.UciOnlineRetailII2009To2010")
    print("lines", len(f2), "days", min(d[:10] for d in f2.date), "..", max(d[:10] for d in f2.date))

    print("# ingest_e2e.py case_uci (online_retail_2010_2011)")
    print(ingest_counts(f1))
    print("# ingest_e2e.py case_uci_two_years (II then I)")
    print("II", ingest_counts(f2))
    print("both", ingest_counts(pd.concat([f2, f1], ignore_index=True)))


if __name__ == "__main__":
    main()
